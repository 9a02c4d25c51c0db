"""The search page: actions and milestones found across the plans the user may see."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import RESULTS_LIMIT, search_query_clean, search_results


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = search_query_clean(request.GET.get("q", ""))
    context = {
        "query": query,
        "results": search_results(user=request.user, query=query) if query else None,
        "limit": RESULTS_LIMIT,
    }
    return render(request, "search/item_search.html", context)
