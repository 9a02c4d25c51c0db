"""Pure helpers with no models: month arithmetic and spreadsheet cell safety.

Every app may import from here; nothing here imports from an app.
"""
