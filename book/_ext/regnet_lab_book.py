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
"""

from __future__ import annotations

import importlib

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


def setup(app):
    app.connect("missing-reference", resolve_short_names)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
