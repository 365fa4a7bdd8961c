"""``python -m bench``: run every benchmark and print its figures."""
from bench import import_csv, pages, search

if __name__ == "__main__":
    print("== pages (gunicorn, 2 sync workers, ratio to a bare WSGI hello app)")
    pages.main()
    print("\n== CSV import")
    import_csv.main()
    print("\n== search (sql backend, 100,000 products)")
    search.main()
