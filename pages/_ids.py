"""Component ids shared between the shell, pages and tests (kebab-case, page prefix).

Not a page: the leading underscore keeps Dash's page scan away from this module.
"""

from __future__ import annotations

# Shell (components/shell.py). The shell owns the one dcc.Location pages read and write.
URL = "shell-url"
SHELL = "shell"
SHELL_NAV = "shell-nav"
SHELL_NAV_LINK = "shell-nav-link"  # pattern-matching: {"type": SHELL_NAV_LINK, "path": "/map"}
SHELL_THEME_TOGGLE = "shell-theme-toggle"
SHELL_THEME_STORE = "shell-theme"
SHELL_LOGOUT = "shell-logout"

# Overview (pages/overview.py)
OVERVIEW_KPIS = "overview-kpis"
OVERVIEW_INDICATOR = "overview-indicator"
OVERVIEW_MAP = "overview-map"
OVERVIEW_MAP_TITLE = "overview-map-title"
OVERVIEW_RANKING = "overview-ranking"
OVERVIEW_TREND = "overview-trend"
OVERVIEW_ATTENTION = "overview-attention"
OVERVIEW_MESSAGE = "overview-message"
OVERVIEW_EXPORTS = ("overview-map-export", "overview-ranking-export", "overview-trend-export")  # menu holders

# Drill-down map (pages/map.py)
MAP_STATE = "map-state"  # dcc.Store: the query currently drawn
MAP_GRAPH = "map-graph"
MAP_GRAPH_BOX = "map-graph-box"  # shown or hidden (indicator not collected at this level)
MAP_TITLE = "map-title"
MAP_NOTICE = "map-notice"
MAP_BREADCRUMB = "map-breadcrumb"
MAP_UP = "map-up"
MAP_INDICATOR = "map-indicator"
MAP_PERIOD = "map-period"
MAP_PROFILE = "map-profile"
MAP_TABLE = "map-table"
MAP_RANKING = "map-ranking"  # the wall screen's top-N ranking (the desk shows MAP_TABLE instead)
MAP_MESSAGE = "map-message"
MAP_BODY = "map-body"
MAP_EXPORTS = ("map-map-export", "map-table-export")  # export menu holders (rebuilt on each drill)
MAP_BRIEFING = "map-briefing"  # the 生成简报 holder
MAP_CAMERAS = "map-cameras"  # the 视频点位 layer toggle (a checklist; ``?cameras=1``)
MAP_CAMERA = "map-camera"  # under the map: the layer's key, or the clicked camera's panel
