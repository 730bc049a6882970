// RegNet Lab: set-up for the ipywidgets embedder (book/_static/vendor/html-manager/embed-amd.js),
// loaded just before it on pages that show widgets (see nb_ipywidgets_js in _config.yml).
(function () {
  // 1. The embedder loads its icon fonts from this folder instead of a CDN.
  var here = document.currentScript.src.replace(/[^/?]*([?].*)?$/, "");
  window.__jupyter_widgets_assets_path__ = here + "vendor/html-manager/";

  // 2. The embedder typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book uses
  //    MathJax 3, which has no Hub. Provide that one call on top of MathJax 3. MathJax 3 is
  //    loaded with `defer` and replaces window.MathJax when it starts, so the shim is attached
  //    again once the document is parsed (the embedder renders widgets after that, on load).
  function queue(command) {
    var mathjax = window.MathJax;
    var element = command && command[2];
    if (mathjax && mathjax.startup && mathjax.typesetPromise) {
      mathjax.startup.promise.then(function () {
        return mathjax.typesetPromise(element ? [element] : undefined);
      });
    }
  }
  function attach() {
    // Only the loaded MathJax 3 object (which has a version), not its configuration object.
    if (window.MathJax && window.MathJax.version && !window.MathJax.Hub) {
      window.MathJax.Hub = { Queue: queue };
    }
  }
  attach();
  document.addEventListener("DOMContentLoaded", attach);
})();
