"""The few HTML pages a person sees: X's authorize screen, the PIN, the posts
with their pictures, videos and threads.

Everything that came from a request or a post goes through ``escape()``.
"""

from html import escape

from sandbox.state import VIDEO, Post, PostMedia

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
       padding: 0 1rem; color: #0f1419; }
header { color: #536471; font-size: 0.9rem; margin-bottom: 1.5rem; }
button { background: #0f1419; color: white; border: 0; border-radius: 2rem;
         padding: 0.6rem 1.4rem; font-size: 1rem; cursor: pointer; }
input { font-size: 1rem; padding: 0.4rem; }
code#pin { font-size: 2.5rem; letter-spacing: 0.3rem; }
.post { border-bottom: 1px solid #cfd9de; padding: 0.8rem 0; }
.post.current { background: #f7f9f9; }
.text { white-space: pre-wrap; }
.meta { color: #536471; font-size: 0.85rem; }
figure { margin: 0.5rem 0; }
figure img, figure video { max-width: 100%; border-radius: 0.8rem; }
figcaption { color: #536471; font-size: 0.85rem; }
.alt { background: #0f1419; color: white; border-radius: 0.2rem;
       padding: 0 0.3rem; font-weight: bold; font-size: 0.75rem; }
.error { color: #b00020; }
"""


def _page(title: str, body: str, refresh_seconds: int | None = None) -> bytes:
    refresh = ""
    if refresh_seconds is not None:
        refresh = f'<meta http-equiv="refresh" content="{refresh_seconds}">'
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
{refresh}
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>X sandbox &mdash; a stand-in for api.x.com on this computer.
Nothing here reaches X.</header>
<main>
{body}
</main>
</body>
</html>
""".encode()


def home_page(posts: list[Post]) -> bytes:
    """Every post made through the sandbox, newest first, each linking to its page."""
    by_id = {post.id: post for post in posts}
    items = "\n".join(_post_html(post, by_id) for post in reversed(posts))
    if not posts:
        items = "<p>No posts yet.</p>"
    return _page("X sandbox: posts", f"<h1>Posts</h1>\n{items}", refresh_seconds=5)


def post_page(post: Post, thread: list[Post]) -> bytes:
    """The post within its whole thread, oldest (the first post) first."""
    by_id = {other.id: other for other in thread}
    items = "\n".join(
        _post_html(other, by_id, current=other.id == post.id) for other in thread
    )
    heading = "<h1>Thread</h1>\n" if len(thread) > 1 else ""
    body = f'{heading}{items}\n<p><a href="/">All posts</a></p>'
    return _page(f"@{post.username} on the X sandbox", body)


def missing_post_page(post_id: str) -> bytes:
    body = f"""<h1>This post doesn't exist</h1>
<p>No post has the id {escape(post_id)}: it was deleted, or made before the
sandbox last started (it keeps posts in memory only).</p>
<p><a href="/">All posts</a></p>"""
    return _page("Post not found", body)


def _post_html(post: Post, by_id: dict[str, Post], current: bool = False) -> str:
    """One post; ``by_id``: the posts it may reply to."""
    media = "".join(_media_html(item) for item in post.media)
    return (
        f'<div class="post{" current" if current else ""}"><div class="meta">'
        f"@{escape(post.username)} &middot; "
        f'<a href="/i/status/{escape(post.id)}">id {escape(post.id)}</a> &middot; '
        f"{escape(post.created_at)}</div>{_replying_to_html(post, by_id)}"
        f'<div class="text">{escape(post.text)}</div>{media}</div>'
    )


def _replying_to_html(post: Post, by_id: dict[str, Post]) -> str:
    if post.in_reply_to is None:
        return ""
    parent = by_id.get(post.in_reply_to)
    what = f"@{escape(parent.username)}'s post" if parent else "a deleted post"
    link = f'<a href="/i/status/{escape(post.in_reply_to)}">{what}</a>'
    return f'<div class="meta">Replying to {link}</div>'


def _media_html(item: PostMedia) -> str:
    """A picture or GIF as an image, a video as a player; the alt text shown."""
    source = f"/media/{escape(item.id)}"
    alt = escape(item.alt_text or "")
    if item.type == VIDEO:
        shown = f'<video controls src="{source}" aria-label="{alt}"></video>'
    else:
        shown = f'<img src="{source}" alt="{alt}">'
    caption = ""
    if item.alt_text:
        caption = f'<figcaption><span class="alt">ALT</span> {alt}</figcaption>'
    return f"<figure>{shown}{caption}</figure>"


def authorize_page(
    app_name: str, oauth_token: str, username: str, read_only: bool, error: str = ""
) -> bytes:
    """Like X's "Authorize <app> to access your account?" screen."""
    abilities = "read your posts and profile"
    if not read_only:
        abilities += ", and post and delete posts for you"
    error_html = f'<p class="error">{escape(error)}</p>' if error else ""
    body = f"""<h1>Authorize {escape(app_name)} to access your account?</h1>
<p>This application will be able to {abilities}.</p>
{error_html}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{escape(oauth_token)}">
<p><label>Account (username, no password in the sandbox):
<input name="username" value="{escape(username)}" autocomplete="username"></label></p>
<p><button type="submit">Authorize app</button></p>
</form>"""
    return _page(f"Authorize {app_name}", body)


def pin_page(app_name: str, username: str, pin: str) -> bytes:
    """Shown after "Authorize app": the PIN the user types into the app."""
    body = f"""<h1>You've granted access to {escape(app_name)}!</h1>
<p>Account: @{escape(username)}</p>
<p>Enter this PIN in the app to complete the authorization process:</p>
<p><code id="pin">{escape(pin)}</code></p>"""
    return _page("Authorization PIN", body)


def invalid_token_page() -> bytes:
    body = """<h1>Whoa there!</h1>
<p>The request token for this page is invalid. It may have already been used,
or expired because it is too old. Please go back to the site or application
that sent you here and try again; it was probably just a mistake.</p>"""
    return _page("Invalid or expired token", body)
