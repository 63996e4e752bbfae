// Runs in the browser before the GraphiQL bundle (graphiql.js) loads: tells Monaco where its
// workers are, then renders the explorer once the bundle has run. Everything comes from the
// gateway itself (the page's Content-Security-Policy allows nothing else). Settings arrive as
// data attributes of #root, written by explorer-page.ts.
(function startExplorer() {
  'use strict';
  var root = document.getElementById('root');
  var assets = root.dataset.assets;
  var workers = {
    editorWorkerService: assets + 'editor.worker.js',
    json: assets + 'json.worker.js',
    graphql: assets + 'graphql.worker.js',
  };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return workers[label] || workers.editorWorkerService;
    },
  };

  document.addEventListener('DOMContentLoaded', function () {
    YogaGraphiQL.renderYogaGraphiQL(root, {
      endpoint: root.dataset.endpoint,
      title: root.dataset.title,
      logo: '',
      method: 'POST',
      initialQuery: root.dataset.defaultQuery,
      defaultQuery: root.dataset.defaultQuery,
      // A pasted bearer token stays in this tab only, never in localStorage.
      shouldPersistHeaders: false,
      // Keep the query out of the address bar: a GET with ?query= is a GraphQL request, not this page.
      onEditQuery: function () {},
    });
  });
})();
