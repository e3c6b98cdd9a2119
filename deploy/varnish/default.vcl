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

# backends.vcl declares `backend default` (the app servers) and `acl purgers`
# (the addresses allowed to purge). deploy/stack.py writes it for one machine;
# write your own for several (README, "Running at scale").
include "backends.vcl";

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
    # Campaign tags change nothing either: one cached copy serves them all.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    set req.url = std.querysort(req.url);
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
    # ---- Soft purges (issue 25) ----
    # A second of grace: after a purge (or a scheduled update's time) the next reader gets
    # the old copy at once while the new one renders in the background, and every reader
    # after that the new one; a page stays stale for at most this second when nobody reads
    # it. "keep" lets Varnish revalidate an expired page with its ETag instead of fetching
    # it whole.
    set beresp.grace = 1s;
    # ---- end of soft purges ----
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

sub vcl_backend_error {
    # ---- The reader's own part (issue 25): when it cannot be had, a line in its place in
    # the shared page, never an error page inside the article. ----
    if (bereq.http.X-Reader-Part) {
        set beresp.http.Content-Type = "text/html; charset=utf-8";
        set beresp.ttl = 0s;
        synthetic({"<p class="reader-part-missing" id="respond">The comment form could not be loaded just now. Please reload the page in a minute.</p>
"});
        return (deliver);
    }
    # ---- end of the reader's own part ----
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
