"""``python -m bench [pages|page_cost|import_csv|search|checkout|impact|potential|search_log|cli|page_weight ...]``: run benchmarks (all by default), print figures."""
import sys

from bench import checkout, impact, import_csv, page_cost, page_weight, pages, potential, search

BENCHMARKS = {
    "pages": ("pages (wrk against gunicorn, 2 sync workers; ratio to a bare WSGI hello app in the same run)",
              pages.main),
    "page_cost": ("page cost (Python calls and instructions per uncached request, as a ratio of hello's)",
                  page_cost.main),
    "import_csv": ("CSV import", import_csv.main),
    "search": ("search (sql backend, 100,000 products)", search.main),
    "checkout": ("checkout (PostgreSQL)", checkout.main),
    "impact": ("impact dashboard and API (200,000 orders, SQLite and PostgreSQL)", impact.main),
    "potential": ("potential map (1,000,000 searches, 200,000 orders, SQLite and PostgreSQL) and the cost of "
                  "logging a search", potential.main),
    "search_log": ("the cost of logging a search (gunicorn, log on and off; SQLite and PostgreSQL)",
                   potential.logging_main),
    "cli": ("CLI start-up (flask --app shop --help, and a command that queries)", pages.report_cli_startup),
    "page_weight": ("page weight (HTML, CSS and JS bytes per page; JS under 30 KB)", page_weight.main),
}

if __name__ == "__main__":
    names = sys.argv[1:] or [name for name in BENCHMARKS if name not in ("search_log", "cli")]  # others run them
    for i, name in enumerate(names):
        title, run = BENCHMARKS[name]
        print(("\n" if i else "") + f"== {title}")
        run()
