vcl 4.1;
# The shared HTTP cache in front of the app servers (README, "The HTTP cache").
#
# Django decides what may be kept: a reader's page comes with
# "Cache-Control: public, s-maxage=N" and a Surrogate-Key naming the article,
# everything else is passed through untouched. After a change, the app sends
# PURGE with an "xkey-purge" header naming the keys of the pages that changed.

import std;
import xkey;

# backends.vcl declares `backend default` (the app servers) and `acl purgers`
# (the addresses allowed to purge). deploy/stack.py writes it for one machine;
# write your own for several (README, "Running at scale").
include "backends.vcl";
# The query string of a page before its lookup: one cached copy per real page.
include "query_parameters.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app servers only."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in the xkey-purge header."));
        }
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged + " objects."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        # Comment posts and every other write go to Django.
        return (pass);
    }
    if (req.url ~ "^/(admin/|healthz)") {
        return (pass);
    }
    # The library's files (articles/media_views.py) are the same for everyone, whatever
    # cookies come with the request: a signed-in editor is served from the cache too.
    if (req.url ~ "^/media/") {
        unset req.http.Cookie;
        call query_parameters;
        return (hash);
    }
    # This site's own cookies make a page personal (a signed-in editor, a reader's own
    # pending comments, saved details, a message after posting): Django renders it.
    # Keep this list in step with PERSONAL_COOKIES in cms/settings.py.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages|cms_own_comments|cms_comment_author)=") {
        return (pass);
    }
    # Any other cookie (analytics, the admin's CSRF cookie) changes nothing on a public page.
    unset req.http.Cookie;
    # Campaign tags and parameters no page reads change nothing either (query_parameters.vcl).
    call query_parameters;
    return (hash);
}

sub vcl_backend_response {
    # Pages, feeds and sitemaps go out gzipped to every browser that accepts it (a cached
    # page is stored compressed, once); static files come compressed from whitenoise.
    if (beresp.http.Content-Type ~ "^(text/html|application/(xml|rss\+xml|atom\+xml|json))"
        && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    # Keep only what Django explicitly marks public; never a response that sets a cookie.
    if (beresp.http.Cache-Control !~ "\bpublic\b" || beresp.http.Set-Cookie) {
        # A short "hit-for-miss" marker: requests for this URL go to Django without
        # waiting for each other, and a later public answer is cached at once.
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # xkey indexes the object under each key of its Surrogate-Key header.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    # No stale copies: a page expires exactly when Django said (a scheduled update's
    # time); after that the next reader waits for the new page. "keep" lets Varnish
    # revalidate an expired page with its ETag instead of fetching it whole.
    set beresp.grace = 0s;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        # Plain text for the app servers' log, not Varnish's error page.
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}

sub vcl_backend_error {
    # The app servers do not answer: a plain page in words a reader understands.
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "30";
    synthetic({"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back in a moment</title></head>
<body style="font-family: Georgia, serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Back in a moment</h1>
<p>The site cannot answer right now. Please try again in a minute.</p>
<p>If you were posting a comment, use your browser's Back button: your text is still in the form.</p>
</body></html>
"});
    return (deliver);
}
