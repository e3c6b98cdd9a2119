from django.urls import path, re_path

from . import feeds, legacy_addresses, people_views, search, topic_views, views

app_name = "articles"

urlpatterns = [
    path("", views.shared_article_list(views.ArticleListView.as_view()), name="list"),
    # Fixed addresses come before the "<slug>/" catch-all.
    path("search/", search.ArticleSearchView.as_view(), name="search"),
    path("topics/", topic_views.TopicIndexView.as_view(), name="topics"),
    path("topics/<slug:slug>/", topic_views.TopicView.as_view(), name="topic"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
    path("tags/<slug:slug>/", topic_views.TagView.as_view(), name="tag"),
    path("feed/rss/", views.shared_article_list(feeds.LatestArticlesFeed()), name="rss"),
    path("feed/atom/", views.shared_article_list(feeds.LatestArticlesAtomFeed()), name="atom"),
    # People: a writer's or reviewer's page (articles/people_views.py).
    path("authors/<slug:slug>/", people_views.PersonDetailView.as_view(), name="person"),
    # WordPress's dated permalinks of imported articles (articles/legacy_addresses.py).
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?:(?P<day>[0-9]{2})/)?(?P<old_slug>[^/]+)/$",
        legacy_addresses.redirect_old_path,
        name="dated-permalink",
    ),
    # An imported site's uploads and category and tag archives (articles/legacy_addresses.py).
    re_path(r"^wp-content/uploads/.+$", legacy_addresses.redirect_old_upload, name="old-upload"),
    re_path(r"^(?:category|tag)/.+/$", legacy_addresses.redirect_old_path, name="old-archive"),
    path(
        "<slug:slug>/",
        legacy_addresses.or_old_address(views.ArticleDetailView.as_view()),
        name="detail",
    ),
    path("<slug:slug>/changes/", views.ArticleChangesView.as_view(), name="changes"),
    path("<slug:slug>/preview/<int:number>/", views.VersionPreviewView.as_view(), name="preview"),
    # Last: an old /slug/ that is not a slug here (WordPress allows any letters in one).
    path("<str:old_slug>/", legacy_addresses.redirect_old_path, name="old-address"),
]
