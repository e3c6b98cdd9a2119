vcl 4.1;
# The shared HTTP cache in front of the app servers (README, "The HTTP cache").
#
# Django decides what may be kept: a reader's page comes with
# "Cache-Control: public, s-maxage=N" and a Surrogate-Key naming the article,
# everything else is passed through untouched. After a change, the app sends
# PURGE with an "xkey-softpurge" header naming the keys of the pages that changed
# ("xkey-purge" to drop them outright).

import cookie;
import std;
import xkey;

# ==== [stack] Backend health probe ============================================
# Every app server in backends.vcl names this probe (`.probe = app_health;`): Varnish
# asks /healthz (cms/health.py, 200 while the app server's database answers) every
# second, and an app server that fails two of the last three is left out of the
# round robin until it answers again. While none is healthy, readers get the last good
# copy of a page (the grace blocks below).
probe app_health {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;  # healthy from the start: deploy/stack.py starts Varnish after them
}

# The load balancer's probe of this Varnish node (docs/operations.md): answered by Varnish
# itself, so that a node whose app servers are all down stays in the pool and goes on
# serving the last good copies (the grace blocks below).
sub vcl_recv {
    if (req.url == "/healthz/cache" && (req.method == "GET" || req.method == "HEAD")) {
        return (synth(200, "Cache node up"));
    }
}
# ==== [stack] end of backend health probe =====================================

# backends.vcl declares `backend default` (the app servers) and `acl purgers`
# (the addresses allowed to purge). deploy/stack.py writes it for one machine;
# write your own for several (README, "Running at scale").
include "backends.vcl";
# The query string of a page before its lookup: one cached copy per real page.
include "query_parameters.vcl";

# ==== [stack] Limits at the edge (vcl_recv) ===================================
# Refused here, before the cache key or the app servers see them, each with the site's
# own page (vcl_synth below). The limits sit under gunicorn's own (limit_request_line
# 4094, limit_request_field_size 8190) and at Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# (2.5 MB, Django's default: tests/test_stack_faults.py checks the two agree).
sub vcl_recv {
    if (req.restarts == 0) {
        unset req.http.X-Stale-Wanted;  # set by vcl_deliver for a restart, never by a client
    }
    if (req.method == "TRACE" || req.method == "TRACK") {
        return (synth(405, "Method not allowed"));
    }
    if (req.url ~ "^.{4001}") {
        return (synth(414, "Address too long"));
    }
    if (req.http.Cookie ~ "^.{4097}" || req.http.Referer ~ "^.{4097}"
        || req.http.User-Agent ~ "^.{4097}" || req.http.X-Forwarded-For ~ "^.{4097}"
        || req.http.Accept-Language ~ "^.{4097}") {
        return (synth(431, "Request header too large"));
    }
    if (std.integer(s = req.http.Content-Length, fallback = 0) > 2621440) {
        return (synth(413, "Too large"));
    }
    # One cache key per site, however the host is spelt: LOCALHOST, a trailing dot, a
    # port. Django builds absolute links from SITE_URL, never from the Host header.
    if (req.http.Host) {
        set req.http.Host = std.tolower(regsub(req.http.Host, "\.?(:[0-9]*)?$", ""));
    }
}
# ==== [stack] end of limits ===================================================

# ==== [stack] Grace: the last good copy while the app servers fail (vcl_recv) ==
# A page is kept 24 hours past its freshness (beresp.grace, below). While an app server
# is healthy a reader gets such a stale copy for at most a second (req.grace 1s: the
# soft purges of issue 25 serve the old copy while the new one renders in the
# background); while none is, or when the fetch fails (vcl_deliver restarts the request
# with X-Stale-Wanted), the stale copy is served however old.
sub vcl_recv {
    if (req.restarts > 0 && req.http.X-Stale-Wanted) {
        set req.grace = 24h;
    } else if (std.healthy(req.backend_hint)) {
        # A second: after a soft purge the old copy while the new one renders (issue 25).
        set req.grace = 1s;
    }
}

sub vcl_miss {
    if (req.http.X-Stale-Wanted) {
        # No copy to fall back on: the site's "Back in a moment" page.
        return (synth(503, "Back in a moment"));
    }
    set req.http.X-Cache-Lookup = "miss";
}

sub vcl_backend_response {
    # (A reader's part in error becomes a line of the page: its own block below.)
    if (beresp.status >= 500 && !bereq.http.X-Reader-Part) {
        if (bereq.is_bgfetch) {
            # A refresh in the background failed: keep serving the copy we have.
            return (abandon);
        }
        # An error is never kept, not even as a hit-for-miss marker that would hide the
        # stale copy from the restarted request.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (resp.http.X-Site-Refusal == "down" && req.method != "GET" && req.method != "HEAD") {
        # A post the app servers did not answer: the site's own refusal page.
        unset req.http.X-Cache-Lookup;
        return (synth(503, "Not sent"));
    }
    if (resp.status >= 500 && req.http.X-Cache-Lookup == "miss" && req.restarts == 0
        && req.esi_level == 0) {
        unset req.http.X-Cache-Lookup;
        set req.http.X-Stale-Wanted = "1";
        return (restart);
    }
    if (resp.http.X-Site-Refusal == "down") {
        return (synth(503, "Back in a moment"));
    }
    unset req.http.X-Cache-Lookup;
}
# ==== [stack] end of grace ====================================================

sub vcl_recv {
    # ---- The reader's own part, by ESI (issue 25; docs/http-cache.md) ----
    # Only this cache says that it assembles pages (cms/caching.py): a client's claim is
    # dropped, at every ESI level (an include starts from the client's own headers).
    unset req.http.Surrogate-Capability;
    unset req.http.X-Reader-Part;
    # ---- end of the reader's own part ----
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app servers only."));
        }
        if (!req.http.xkey-purge && !req.http.xkey-softpurge) {
            return (synth(400, "Name the keys to purge in the xkey-purge header."));
        }
        # ---- Soft purges (issue 25): the purged pages go stale, not away. The next
        # reader gets the old copy for the few milliseconds its new one renders
        # (beresp.grace below), so readers never queue behind that render.
        # xkey-softpurge is what the models send (cms/caching.py); xkey-purge drops the
        # pages at once (purge_http_cache after a deployment, the tests).
        if (req.http.xkey-softpurge) {
            set req.http.purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            set req.http.purged = xkey.purge(req.http.xkey-purge);
        }
        # ---- end of soft purges ----
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
    # ---- The reader's own part, by ESI (issue 25; docs/http-cache.md) ----
    # One reader's part of an article page (comments/reader_part.py), fetched by the
    # <esi:include> of the shared page with the reader's headers: kept for them alone, under
    # the values of this site's cookies (vcl_hash), and only those cookies reach Django.
    if (req.url ~ "^/comments/you/") {
        cookie.parse(req.http.Cookie);
        cookie.keep("sessionid,messages,cms_own_comments,cms_comment_author");
        set req.http.Cookie = cookie.get_string();
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
        set req.http.X-Reader-Part = "1";
        if (std.healthy(req.backend_hint)) {
            # Never the purged copy while the app answers: it is this reader's own news (their
            # comment approved, an edit saved), and it renders in a few milliseconds.
            set req.grace = 0s;
        }
        return (hash);
    }
    # This site's own cookies (a signed-in editor, a reader's own pending comments, saved
    # details, a message after posting) used to make Django render the whole page. Now the
    # page is looked up like any other: Django answers a page with a reader's part with one
    # copy holding an <esi:include> of it (Vary: Surrogate-Capability), shared by every reader
    # with such cookies; any other page it renders for them, private, as before.
    # Keep this list in step with PERSONAL_COOKIES in cms/settings.py.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages|cms_own_comments|cms_comment_author)=") {
        set req.http.Surrogate-Capability = {"varnish="ESI/1.0""};
    } else {
        # Any other cookie (analytics, the admin's CSRF cookie) changes nothing on a public page.
        unset req.http.Cookie;
    }
    # ---- end of the reader's own part ----
    # Campaign tags and parameters no page reads change nothing (query_parameters.vcl).
    call query_parameters;
    return (hash);
}

sub vcl_hash {
    # ---- The reader's own part (issue 25): one copy per reader, keyed by their cookies ----
    if (req.http.X-Reader-Part) {
        hash_data(req.http.Cookie);
    }
}

sub vcl_backend_response {
    # Pages, feeds and sitemaps go out gzipped to every browser that accepts it (a cached
    # page is stored compressed, once); static files come compressed from whitenoise.
    if (beresp.http.Content-Type ~ "^(text/html|application/(xml|rss\+xml|atom\+xml|json))"
        && !beresp.http.Content-Encoding) {
        set beresp.do_gzip = true;
    }
    # ---- The reader's own part, by ESI (issue 25; docs/http-cache.md) ----
    # A shared page whose reader's part is an <esi:include> (cms/caching.py): parsed once,
    # here; the include is fetched for each reader on delivery.
    if (beresp.http.Surrogate-Control ~ "ESI/1\.0") {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }
    # One reader's part: "Cache-Control: private" for every other cache and the browser,
    # kept here for this reader alone (vcl_hash) for the seconds Django says, purged with
    # the article. Its cookie changes never reach the browser from an include.
    if (bereq.http.X-Reader-Part) {
        if (beresp.status == 200 && beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
            set beresp.ttl = std.duration(
                regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 0s);
            unset beresp.http.Surrogate-Control;
            unset beresp.http.Set-Cookie;
            set beresp.http.xkey = beresp.http.Surrogate-Key;
            set beresp.grace = 1s;
            # Kept as it came: a few KB that Varnish puts into the gzipped page as stored
            # blocks, cheaper per request than stripping a gzipped part (measured in
            # docs/benchmarks.md).
            set beresp.do_gzip = false;
            return (deliver);
        }
        # Not there (an article withdrawn since its page was kept): a line, not a 404 page
        # inside the article (vcl_backend_error).
        return (error(503));
    }
    # ---- end of the reader's own part ----
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
    # A page expires exactly when Django said (a scheduled update's time). Soft purges
    # (issue 25) and expiry leave the old copy in grace: while an app server is healthy a
    # reader may get it for at most a second (req.grace in the [stack] grace block) while
    # the new copy renders in the background, so nobody queues behind a render; while none
    # is, for 24 hours. "keep" lets Varnish revalidate an expired page with its ETag.
    set beresp.grace = 24h;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    # ---- The reader's own part, by ESI (issue 25; docs/http-cache.md) ----
    if (obj.can_esi && req.esi_level == 0) {
        # The assembled page is this reader's: no other cache may keep it, and the
        # shared template's validators say nothing of it.
        set resp.http.Cache-Control = "private, no-store";
        unset resp.http.ETag;
        unset resp.http.Last-Modified;
        if (req.http.Cookie ~ "(^|;\s*)messages=") {
            # The reader's part showed the messages: the browser forgets them, as Django's
            # own page tells it to (the include's headers never reach the browser).
            set resp.http.Set-Cookie = "messages=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax";
        }
    }
    unset resp.http.Surrogate-Control;
    # ---- end of the reader's own part ----
    unset resp.http.xkey;
    unset resp.http.Via;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    # ---- Soft purges (issue 25): the old copy, served while the new one renders ----
    if (obj.hits > 0 && obj.ttl <= 0s) {
        set resp.http.X-Cache = "grace";
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

# ==== [stack] Pages when the app servers fail, and the edge's refusals ========
# vcl_backend_error only marks the answer; vcl_deliver turns it into the client-side
# synthetic page below, so that every page Varnish writes itself is written once, here,
# in the site's look (the colours and header of static/css/site.css, inline: the app
# servers, and so the stylesheet, may be down). A reader's text cannot be echoed from
# here: the comment form's script keeps a draft in the browser (static/js/comment-form.js)
# and puts it back when the reader returns to the article.
sub vcl_backend_error {
    # ---- The reader's own part (issue 25): when it cannot be had, a line in its place in
    # the shared page, never an error page inside the article. ----
    if (bereq.http.X-Reader-Part) {
        set beresp.status = 200;  # a line of the page, not an error (vcl_deliver)
        set beresp.http.Content-Type = "text/html; charset=utf-8";
        set beresp.ttl = 0s;
        synthetic({"<p class="reader-part-missing" id="respond">The comment form could not be loaded just now. Please reload the page in a minute.</p>
"});
        return (deliver);
    }
    # ---- end of the reader's own part ----
    set beresp.status = 503;
    set beresp.http.X-Site-Refusal = "down";
    set beresp.http.Cache-Control = "no-store";
    synthetic("");
    return (deliver);
}

sub vcl_synth {
    if (resp.status == 200 && resp.reason == "Cache node up") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        synthetic({"ok
"});
        return (deliver);
    }
    # PURGE's answers are plain text (the vcl_synth above); every other refusal is a page.
    if (req.method != "PURGE" && resp.status >= 400) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        set resp.http.X-Content-Type-Options = "nosniff";
        # The way back to the article a comment was posted from (a slug has [a-z0-9-] only,
        # so nothing a reader sent reaches the page unescaped), else the front page.
        if (req.url ~ "^/[a-z0-9-]+/comments/?(\?.*)?$") {
            set req.http.X-Back = regsub(req.url, "^(/[a-z0-9-]+/).*$", "\1");
        } else {
            set req.http.X-Back = "/";
        }
        if (resp.status == 503 && resp.reason == "Not sent") {
            set resp.http.Retry-After = "30";
            set req.http.X-Title = "Your comment may not have been saved";
            set req.http.X-Words = {"<p>The site did not answer in time, so we cannot tell whether your comment reached us. <strong>Please do not send it again straight away</strong>: it may have been saved, and would then appear twice.</p> <p>In a minute or two, <a href=""} + req.http.X-Back + {"">open the article</a>. If your comment is there (marked "awaiting moderation" for you), it was saved. If not, the form on that page has your text back (this browser kept it), and you can send it then.</p>"};
        } else if (resp.status == 503) {
            set resp.http.Retry-After = "30";
            set req.http.X-Title = "Back in a moment";
            set req.http.X-Words = {"<p>The site cannot answer right now. Please try again in a minute.</p>"};
        } else if (resp.status == 413) {
            set req.http.X-Title = "That was too large to send";
            set req.http.X-Words = {"<p>What you sent is larger than the 2,560 KB we accept, so we did not read it and nothing was saved.</p> <p>If it was a comment, <a href=""} + req.http.X-Back + {"">go back to the article</a>: the form has your text (this browser kept it), and you can shorten it there.</p>"};
        } else if (resp.status == 414) {
            set req.http.X-Title = "That address is too long";
            set req.http.X-Words = {"<p>The address you asked for is longer than any page of ours. Please check the link, or search for what you wanted.</p>"};
        } else if (resp.status == 431) {
            set req.http.X-Title = "We could not read that request";
            set req.http.X-Words = {"<p>Your browser sent more than we accept (usually too many or too large cookies for this site). Clearing this site's cookies in your browser settings will fix it; nothing was changed.</p>"};
        } else if (resp.status == 405) {
            set req.http.X-Title = "Not something we answer";
            set req.http.X-Words = {"<p>This site does not answer that kind of request.</p>"};
        } else {
            set req.http.X-Title = "We could not answer that";
            set req.http.X-Words = {"<p>Please go back and try again.</p>"};
        }
        synthetic({"<!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex"><title>"} + req.http.X-Title + {"</title>
    <style>
    :root { color-scheme: light dark; }
    body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.0625rem; line-height: 1.6; color: #1c1e21; background: #fff; }
    .wrap { max-width: 42rem; margin: 0 auto; padding: 0 1rem; }
    a { color: #0b5c8a; text-underline-offset: 0.15em; }
    header { border-bottom: 1px solid #d5d9de; padding: 0.75rem 0; margin-bottom: 2rem; }
    header a { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: #1c1e21; }
    h1 { font-size: 1.8rem; line-height: 1.25; }
    @media (prefers-color-scheme: dark) { body { color: #e8eaed; background: #16181b; } a, header a { color: #8cc8f0; } }
    </style></head>
    <body><header><div class="wrap"><a href="/">Home</a></div></header>
    <main class="wrap"><h1>"} + req.http.X-Title + {"</h1>
    "} + req.http.X-Words + {"
    <p><a href="/">Back to the articles</a></p></main></body></html>
    "});
        unset req.http.X-Back;
        return (deliver);
    }
}
# ==== [stack] end of pages ====================================================
