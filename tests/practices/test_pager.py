"""The catalogue's pager: the first and last pages, two either side of the current one, gaps
between; worked out without walking every page number (``make bench`` found the catalogue
slowing down as the number of pages grew)."""

from django.core.paginator import Paginator

from practices.views.catalogue import page_links


def test_a_long_catalogue_shows_the_ends_the_neighbours_and_gaps():
    pages = Paginator(range(100_000), 20)  # 5,000 pages
    assert page_links(pages.page(2500)) == [1, None, 2498, 2499, 2500, 2501, 2502, None, 5000]
    assert page_links(pages.page(1)) == [1, 2, 3, None, 5000]
    assert page_links(pages.page(5000)) == [1, None, 4998, 4999, 5000]


def test_a_gap_never_hides_nothing_and_short_catalogues_show_every_page():
    assert page_links(Paginator(range(60), 20).page(2)) == [1, 2, 3]
    # Page 2 is a neighbour of page 4, so there is no gap before it.
    assert page_links(Paginator(range(200), 20).page(4)) == [1, 2, 3, 4, 5, 6, None, 10]
