"""Overview (总览): headline KPIs and the county map of the root region."""

import dash
from dash import html

dash.register_page(__name__, path="/", name="总览", order=0)


def layout(**_query):
    return html.Div("总览")
