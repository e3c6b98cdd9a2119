from django.urls import path

from . import feeds, search, views

app_name = "articles"

urlpatterns = [
    path("", views.shared_article_list(views.ArticleListView.as_view()), name="list"),
    # Fixed addresses come before the "<slug>/" catch-all.
    path("search/", search.ArticleSearchView.as_view(), name="search"),
    path("feed/rss/", views.shared_article_list(feeds.LatestArticlesFeed()), name="rss"),
    path("feed/atom/", views.shared_article_list(feeds.LatestArticlesAtomFeed()), name="atom"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<slug:slug>/changes/", views.ArticleChangesView.as_view(), name="changes"),
    path("<slug:slug>/preview/<int:number>/", views.VersionPreviewView.as_view(), name="preview"),
]
