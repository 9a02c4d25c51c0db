from django.urls import path  # noqa: F401

app_name = "evidence"

# evidence:item (update pk): the update's evidence page; evidence:download (evidence pk).
urlpatterns: list = []
