/* GraphiQL for surveil, from the package's own files (server/graphiql.py). The Headers tab opens
   with a template for the bearer token; once it holds one, the schema is fetched again with it
   (an anonymous caller may not introspect). A header still holding "<token>" is not sent. */
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint");
  var TEMPLATE = '{\n  "Authorization": "Bearer <token>"\n}';
  var HINT = [
    "# Signing in: paste a token into the Headers tab below, in place of <token>.",
    "# `surveil token --user hq.admin` prints one (development), or use your identity provider's.",
    "# The schema (docs, completion) loads once the headers carry a token.",
    "",
    "query Me {",
    "  __typename",
    "}",
    ""
  ].join("\n");
  var e = React.createElement;

  function usable(headers) {
    var out = {};
    Object.keys(headers || {}).forEach(function (name) {
      if (String(headers[name]).indexOf("<token>") === -1) out[name] = headers[name];
    });
    return out;
  }

  function parsed(text) {
    try {
      var value = JSON.parse(text || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? usable(value) : null;
    } catch (err) {
      return null;
    }
  }

  var base = GraphiQL.createFetcher({ url: endpoint });

  function App() {
    var state = React.useState(JSON.stringify(parsed(TEMPLATE)));
    var sent = state[0];
    var setSent = state[1];
    var timer = React.useRef(null);
    // A new fetcher makes GraphiQL fetch the schema again: one per set of headers actually sent.
    var fetcher = React.useMemo(
      function () {
        return function (params, options) {
          var opts = Object.assign({}, options || {});
          opts.headers = usable(opts.headers);
          return base(params, opts);
        };
      },
      [sent]
    );
    function onEditHeaders(text) {
      clearTimeout(timer.current);
      timer.current = setTimeout(function () {
        var headers = parsed(text);
        if (headers !== null) setSent(JSON.stringify(headers));
      }, 500);
    }
    return e(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: HINT,
      defaultHeaders: TEMPLATE,
      shouldPersistHeaders: false,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: "headers",
      onEditHeaders: onEditHeaders
    });
  }

  ReactDOM.createRoot(root).render(e(App));
})();
