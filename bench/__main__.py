"""``python -m bench``: run every benchmark and print its figures."""
from bench import pages

if __name__ == "__main__":
    print("== pages (gunicorn, 2 sync workers)")
    pages.main()
