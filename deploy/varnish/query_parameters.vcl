# One cached copy per real page (issue 25): the query string before the cache lookup.
#
# Included by default.vcl and called from its vcl_recv just before the lookup, for the
# requests the cache may answer (not for purges, posts, the admin or personal pages).
#
# - Campaign tags (utm_*, fbclid, gclid) and any parameter that no page of the site reads
#   are removed: every such address shares the page's one copy and never reaches Django.
# - The parameters some page reads are kept, sorted. Keep the list in step with the views:
#     cpage, replyto   the article page (comments/threads.py)
#     page             the front page, topic, tag and search pages (Django's paginator)
#     p, page_id       the front page's old WordPress addresses; p, a sitemap's page
#     q                search
#     from, to         an article's change log, comparing two versions
#   (tests/test_varnish.py checks the list against the site's own parameters).
# - Their values are Django's to judge: the article page answers a value it cannot use
#   (cpage=abc, past the last page, replyto= of no comment) with a 301 to the page it
#   means, which Django marks as not for keeping: no new object.

sub query_parameters {
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "(?<=[?&])(?!(cpage|replyto|page|p|page_id|q|from|to)=)[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    set req.url = std.querysort(req.url);
}

sub vcl_backend_response {
    # Django's 301 from an address with a query string to the one the page means: passed
    # on, never kept, not even as the short "hit-for-miss" marker default.vcl makes of
    # other answers it may not keep, which would be one object per random address.
    if (beresp.status == 301 && bereq.url ~ "\?") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        return (deliver);
    }
}
