"""Small Sphinx extension of the RegNet Lab book (loaded through ``_config.yml``).

1. Cross-references to the package's short public names. Readers and docstrings write
   ``regnet_lab.build`` or ``~regnet_lab.RegNetConfig``, the names ``import regnet_lab as rl``
   exposes, while the API reference documents each object once, in the module that defines it
   (``regnet_lab.network.build``). An otherwise unresolved reference to such a name is resolved
   to the defining module, so nitpicky builds (``-n``) accept it and the link works.

2. No duplicated inline scripts. With Sphinx 7.4, an inline script that an extension adds after
   the HTML builder started (sphinx-thebe's and sphinx-togglebutton's configuration) ends up in
   every page twice, and the second ``const THEBE_JS_URL`` is a JavaScript error. Each page's
   script list is de-duplicated before it is written.

3. Repository links from ``_config.yml``. The repository URL and branch are written down once,
   in ``_config.yml`` (``repository:``); Jupyter Book passes them to the theme. Pages written in
   Markdown (``book/coursework.md``) use the placeholders ``@REPOSITORY_URL@`` (e.g.
   ``https://github.com/owner/repo``), ``@REPOSITORY_BRANCH@``, ``@REPOSITORY_RAW@`` (the
   ``raw.githubusercontent.com`` address of the repository, to be followed by a branch or commit) and ``@COLAB_GITHUB@`` (Colab's address
   for notebooks of the repository, without the branch), also inside code blocks and links;
   they are replaced when the page is read.

4. No lost kernel replies while notebooks execute. When a cell shows an interactive control
   (``ipywidgets.interact`` puts its output in an ``Output`` widget), nbclient mirrors the
   widget's outputs by *sending* a message on the kernel's shell socket while another coroutine
   *waits* on that socket for the cell's ``execute_reply``. With pyzmq's asyncio sockets the send
   can swallow the socket's (edge-triggered) wake-up, and the wait then sleeps until the cell
   timeout (600 s) although the reply has arrived: about one interactive cell in nine stalled
   this way here (``tests/test_book_execution.py`` reproduces it). The extension makes every such
   wait poll in short slices, so a lost wake-up costs at most :data:`POLL_SLICE` seconds. It
   changes nothing else: a reply is returned the moment a slice sees it, and the overall
   timeout is kept.

5. Explorers that work in the static pages. Every chapter's explorer is one ``rl.explore(...)``
   cell (``regnet_lab/explorer.py``). The extension sets ``REGNET_LAB_EXPLORERS=static`` when it
   is loaded, before any notebook executes, so the kernels inherit it and each explorer
   precomputes all its states into one HTML output with its own controls (no widget state, no
   kernel needed). The address that a ``live_only`` explorer links to (``@COLAB_NOTEBOOK@``,
   "open this chapter in Colab") is filled in per page from ``_config.yml``.
"""

from __future__ import annotations

import importlib
import os
import time
from queue import Empty

PACKAGE = "regnet_lab"


def _defining_target(target: str) -> str | None:
    if not target.startswith(PACKAGE + "."):
        return None
    head, _, rest = target[len(PACKAGE) + 1:].partition(".")
    try:
        package = importlib.import_module(PACKAGE)
    except ImportError:
        return None
    module = getattr(getattr(package, head, None), "__module__", None)
    if not module or module == PACKAGE or not module.startswith(PACKAGE + "."):
        return None
    return f"{module}.{head}" + (f".{rest}" if rest else "")


def resolve_short_names(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = _defining_target(node.get("reftarget", ""))
    if target is None:
        return None
    return env.get_domain("py").resolve_xref(env, node.get("refdoc"), app.builder,
                                             node.get("reftype"), target, node, contnode)


def dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", {})
        key = (getattr(js, "filename", js) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def repository_placeholders(config) -> dict[str, str]:
    """The values of the ``@...@`` placeholders, from the theme options Jupyter Book fills in
    from ``_config.yml``."""
    options = getattr(config, "html_theme_options", None) or {}
    url = str(options.get("repository_url") or "").rstrip("/")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    branch = str(options.get("repository_branch") or "main")
    prefix = "https://github.com/"
    owner_repo = url[len(prefix):] if url.startswith(prefix) else ""
    launch = options.get("launch_buttons") or {}
    colab = str(launch.get("colab_url") or "https://colab.research.google.com").rstrip("/")
    return {
        "@REPOSITORY_URL@": url,
        "@REPOSITORY_BRANCH@": branch,
        "@REPOSITORY_RAW@": f"https://raw.githubusercontent.com/{owner_repo}",
        "@COLAB_GITHUB@": f"{colab}/github/{owner_repo}",
    }


def fill_repository_placeholders(app, docname, source):
    text = source[0]
    if "@" not in text:
        return
    for placeholder, value in repository_placeholders(app.config).items():
        text = text.replace(placeholder, value)
    source[0] = text


#: Longest single wait on a kernel socket while notebooks execute, in seconds (point 4 above).
POLL_SLICE = 0.5


def patch_kernel_channel_polling() -> bool:
    """Make jupyter_client's asyncio channels wait for messages in slices of
    :data:`POLL_SLICE` seconds (point 4 of the module docstring). Returns False when
    jupyter_client is missing or has no asyncio channel to patch; applying it twice is harmless."""
    try:
        from jupyter_client.channels import AsyncZMQSocketChannel
    except ImportError:
        return False
    original = getattr(AsyncZMQSocketChannel, "get_msg", None)
    if original is None:
        return False
    if getattr(original, "sliced_by_regnet_lab", False):
        return True

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                wait = POLL_SLICE
            else:
                wait = min(POLL_SLICE, max(0.0, deadline - time.monotonic()))
            try:
                return await original(self, timeout=wait)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    get_msg.sliced_by_regnet_lab = True
    get_msg.__doc__ = original.__doc__
    AsyncZMQSocketChannel.get_msg = get_msg
    return True


#: Environment variable and value that put ``rl.explore`` in static mode (point 5 above).
EXPLORER_MODE = ("REGNET_LAB_EXPLORERS", "static")
COLAB_NOTEBOOK = "@COLAB_NOTEBOOK@"


def colab_notebook_links(app, pagename, templatename, context, doctree):
    """Replace ``@COLAB_NOTEBOOK@`` in a notebook page's body by its Colab address."""
    body = context.get("body")
    if not isinstance(body, str) or COLAB_NOTEBOOK not in body:
        return
    values = repository_placeholders(app.config)
    branch = values["@REPOSITORY_BRANCH@"]
    link = f"{values['@COLAB_GITHUB@']}/blob/{branch}/{pagename}.ipynb"
    context["body"] = body.replace(COLAB_NOTEBOOK, link)


def setup(app):
    patch_kernel_channel_polling()
    os.environ.setdefault(*EXPLORER_MODE)
    app.connect("html-page-context", colab_notebook_links)
    app.connect("missing-reference", resolve_short_names)
    app.connect("source-read", fill_repository_placeholders)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
