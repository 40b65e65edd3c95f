"""Demo customers, charges, payments and meters for `manage.py seed_demo`.

Only `seed_demo` (and the tests of the demo) import this package: the product
never depends on demo data. Every date here is either a figure of the manual
(October–December 2021) or counted from the day the demo is loaded, so the
demo stays current whenever it runs.
"""
