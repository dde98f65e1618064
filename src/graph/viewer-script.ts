/**
 * The script of the HTML graph view, run in the browser next to dagre (the layered layout). It reads the graph
 * from the page's JSON block, groups nodes by name scope (collapsed by default), draws the visible boxes as SVG,
 * expands a scope on click, shows a node's details on click and finds nodes by name.
 * Plain ES2017 in a string: it is inlined into the page as it is, never run in Node.
 */
export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var LIMIT = 250;
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var nodes = data.nodes;
  var byName = new Map();
  nodes.forEach(function (n, i) { byName.set(n.n, i); });

  // Scope tree: a group per name prefix ending in '/'. Nodes stay leaves of their innermost scope.
  function newGroup(id, label, parent) { return { id: id, label: label, parent: parent, groups: [], groupById: new Map(), leaves: [], count: 0, pseudo: false }; }
  var root = newGroup('', '(root)', null);
  var groupOf = new Array(nodes.length);
  nodes.forEach(function (n, i) {
    var parts = n.n.split('/');
    var g = root;
    var prefix = '';
    for (var k = 0; k < parts.length - 1; k++) {
      prefix += parts[k] + '/';
      var next = g.groupById.get(prefix);
      if (!next) { next = newGroup(prefix, parts[k], g); g.groupById.set(prefix, next); g.groups.push(next); }
      g = next;
    }
    g.leaves.push(i);
    groupOf[i] = g;
  });
  // Loose nodes are bucketed by op (in chunks of LIMIT): constants whenever a scope holds many (the weights of a
  // frozen graph would otherwise fill the view), every op when a scope has more than LIMIT direct members.
  var MANY_CONSTS = 12;
  function bucket(g) {
    g.groups.forEach(bucket);
    var consts = g.leaves.filter(function (i) { return nodes[i].o === 'Const'; });
    var all = g.groups.length + g.leaves.length > LIMIT;
    if (!all && consts.length <= MANY_CONSTS) return;
    var byOp = new Map();
    var keep = [];
    g.leaves.forEach(function (i) {
      var op = nodes[i].o;
      if (!all && op !== 'Const') { keep.push(i); return; }
      if (!byOp.has(op)) byOp.set(op, []);
      byOp.get(op).push(i);
    });
    g.leaves = keep;
    byOp.forEach(function (list, op) {
      for (var s = 0; s < list.length; s += LIMIT) {
        var part = list.slice(s, s + LIMIT);
        var label = '[' + op + (list.length > LIMIT ? ' ' + (s + 1) + '-' + (s + part.length) : '') + ']';
        var p = newGroup(g.id + label, label, g);
        p.pseudo = true;
        p.leaves = part;
        part.forEach(function (i) { groupOf[i] = p; });
        g.groups.push(p);
      }
    });
    // Still too many (hundreds of sibling scopes): their scopes go into boxes of LIMIT, named by first and last.
    if (g.groups.length + g.leaves.length <= LIMIT) return;
    var sorted = g.groups.slice().sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    g.groups = [];
    for (var k = 0; k < sorted.length; k += LIMIT) {
      var chunk = sorted.slice(k, k + LIMIT);
      var name = '[' + chunk[0].label + ' \u2026 ' + chunk[chunk.length - 1].label + ']';
      var c = newGroup(g.id + name, name, g);
      c.pseudo = true;
      c.groups = chunk;
      chunk.forEach(function (x) { x.parent = c; });
      g.groups.push(c);
    }
  }
  // A scope holding a single node (a Keras layer often is one) is drawn as that node, named from its parent scope.
  (function flatten(g) {
    g.groups.forEach(flatten);
    g.groups = g.groups.filter(function (c) {
      if (c.groups.length !== 0 || c.leaves.length !== 1) return true;
      g.leaves.push(c.leaves[0]);
      groupOf[c.leaves[0]] = g;
      return false;
    });
  })(root);
  bucket(root);
  (function count(g) { g.count = g.leaves.length; g.groups.forEach(function (c) { g.count += count(c); }); return g.count; })(root);
  var groupIndex = new Map();
  (function index(g) { groupIndex.set(g.id, g); g.groups.forEach(index); })(root);

  var expanded = new Set();
  var selected = null;
  var zoom = 1;
  var svgNS = 'http://www.w3.org/2000/svg';

  // The box a node is drawn in: itself, or its outermost collapsed scope.
  function repOf(i) {
    var chain = [];
    for (var g = groupOf[i]; g && g !== root; g = g.parent) chain.push(g);
    for (var k = chain.length - 1; k >= 0; k--) if (!expanded.has(chain[k].id)) return 'g:' + chain[k].id;
    return 'n:' + i;
  }

  function layout() {
    var gr = new dagre.graphlib.Graph({ compound: true, multigraph: false });
    gr.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 36, marginx: 20, marginy: 20 });
    gr.setDefaultEdgeLabel(function () { return {}; });
    function addBox(id, label, sub, kind, parent) {
      var w = Math.max(60, Math.min(260, 7 * Math.max(label.length, sub.length) + 16));
      gr.setNode(id, { label: label, sub: sub, kind: kind, width: w, height: 36 });
      if (parent) gr.setParent(id, parent);
    }
    (function walk(g, parentId) {
      g.groups.forEach(function (c) {
        if (expanded.has(c.id)) {
          gr.setNode('c:' + c.id, { label: c.label, kind: 'cluster', clusterLabelPos: 'top', paddingTop: 24 });
          if (parentId) gr.setParent('c:' + c.id, parentId);
          walk(c, 'c:' + c.id);
        } else {
          addBox('g:' + c.id, c.label + (c.pseudo ? '' : '/'), c.count + ' nodes', 'scope', parentId);
        }
      });
      g.leaves.forEach(function (i) {
        var n = nodes[i];
        var scope = groupOf[i];
        while (scope.pseudo) scope = scope.parent;
        addBox('n:' + i, n.n.slice(scope.id.length), n.o, 'node', parentId);
      });
    })(root, null);
    var seen = new Set();
    nodes.forEach(function (n, dst) {
      var b = repOf(dst);
      n.i.forEach(function (src) {
        if (src < 0) return;
        var a = repOf(src);
        if (a === b || seen.has(a + '>' + b)) return;
        seen.add(a + '>' + b);
        gr.setEdge(a, b);
      });
    });
    dagre.layout(gr);
    return gr;
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(svgNS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function render() {
    var t0 = performance.now();
    var gr = layout();
    var svg = document.getElementById('canvas');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var info = gr.graph();
    svg.setAttribute('width', String(Math.ceil((info.width || 100) * zoom)));
    svg.setAttribute('height', String(Math.ceil((info.height || 100) * zoom)));
    var top = el('g', { transform: 'scale(' + zoom + ')' }, svg);
    var clusters = el('g', {}, top), edges = el('g', {}, top), boxes = el('g', {}, top);
    var drawn = 0;
    gr.nodes().forEach(function (id) {
      var b = gr.node(id);
      if (!b || b.x === undefined) return;
      var x = b.x - b.width / 2, y = b.y - b.height / 2;
      if (b.kind === 'cluster') {
        var c = el('g', { 'class': 'cluster', 'data-id': id.slice(2) }, clusters);
        el('rect', { x: x, y: y, width: b.width, height: b.height, rx: 6 }, c);
        var ct = el('text', { x: x + 8, y: y + 15 }, c);
        ct.textContent = '\u25be ' + b.label;
        ct.addEventListener('click', function () { expanded.delete(id.slice(2)); render(); });
        return;
      }
      drawn++;
      var g = el('g', { 'class': 'box ' + b.kind + (id === selected ? ' selected' : ''), 'data-id': id.slice(2), transform: 'translate(' + x + ',' + y + ')' }, boxes);
      el('rect', { width: b.width, height: b.height, rx: b.kind === 'scope' ? 8 : 3 }, g);
      var t1 = el('text', { x: 8, y: 15 }, g);
      t1.textContent = (b.kind === 'scope' ? '\u25b8 ' : '') + b.label;
      var t2 = el('text', { x: 8, y: 29, 'class': 'sub' }, g);
      t2.textContent = b.sub;
      g.addEventListener('click', function () { onBox(id); });
    });
    gr.edges().forEach(function (e) {
      var pts = gr.edge(e).points || [];
      if (pts.length === 0) return;
      var d = 'M' + pts.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' L');
      el('path', { d: d, 'class': 'edge', 'marker-end': 'url(#arrow)' }, edges);
    });
    el('defs', {}, svg).innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker>';
    document.body.dataset.boxes = String(drawn);
    document.body.dataset.ready = '1';
    document.getElementById('status').textContent = drawn + ' boxes drawn for ' + nodes.length + ' nodes, ' + expanded.size +
      ' scopes open (' + Math.round(performance.now() - t0) + ' ms). Click a scope to open it, a node for its details.';
  }

  function row(k, v) {
    var tr = document.createElement('tr');
    var a = document.createElement('th'); a.textContent = k;
    var b = document.createElement('td'); b.textContent = v;
    tr.appendChild(a); tr.appendChild(b);
    return tr;
  }

  function showDetails(title, rows) {
    var box = document.getElementById('details');
    box.innerHTML = '';
    var h = document.createElement('h2'); h.textContent = title; box.appendChild(h);
    var table = document.createElement('table');
    rows.forEach(function (r) { table.appendChild(row(r[0], r[1])); });
    box.appendChild(table);
  }

  function nodeDetails(i) {
    var n = nodes[i];
    var rows = [['op', n.o], ['device', n.d || '(none)']];
    if (n.s) rows.push(['output shapes', n.s]);
    if (n.c !== undefined) rows.push(['constant', n.c]);
    rows.push(['inputs', n.in.length ? n.in.join('\n') : '(none)']);
    Object.keys(n.a).sort().forEach(function (k) { rows.push(['attr ' + k, n.a[k]]); });
    showDetails(n.n, rows);
  }

  function scopeDetails(g) {
    var ops = new Map();
    (function walk(x) { x.leaves.forEach(function (i) { ops.set(nodes[i].o, (ops.get(nodes[i].o) || 0) + 1); }); x.groups.forEach(walk); })(g);
    var top = Array.from(ops).sort(function (a, b) { return b[1] - a[1]; }).slice(0, 12);
    showDetails(g.id, [['nodes', String(g.count)]].concat(top.map(function (e) { return ['op ' + e[0], String(e[1])]; })));
  }

  function onBox(id) {
    if (id.charAt(0) === 'g') {
      var g = groupIndex.get(id.slice(2));
      expanded.add(g.id);
      scopeDetails(g);
    } else {
      selected = id;
      nodeDetails(Number(id.slice(2)));
    }
    render();
  }

  function reveal(i) {
    for (var g = groupOf[i]; g && g !== root; g = g.parent) expanded.add(g.id);
    selected = 'n:' + i;
    nodeDetails(i);
    render();
    var boxEl = document.querySelector('g.box.selected');
    if (boxEl && boxEl.scrollIntoView) boxEl.scrollIntoView({ block: 'center', inline: 'center' });
  }

  document.getElementById('search').addEventListener('input', function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    var list = document.getElementById('results');
    list.innerHTML = '';
    if (!q) return;
    var hits = 0;
    for (var i = 0; i < nodes.length && hits < 40; i++) {
      if (nodes[i].n.toLowerCase().indexOf(q) === -1) continue;
      hits++;
      var li = document.createElement('li');
      li.textContent = nodes[i].n + ' (' + nodes[i].o + ')';
      li.dataset.index = String(i);
      li.addEventListener('click', function (e) { reveal(Number(e.currentTarget.dataset.index)); });
      list.appendChild(li);
    }
    if (hits === 0) { var none = document.createElement('li'); none.textContent = 'no node name contains that'; list.appendChild(none); }
  });
  document.getElementById('zoom-in').addEventListener('click', function () { zoom *= 1.25; render(); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom /= 1.25; render(); });
  document.getElementById('collapse').addEventListener('click', function () { expanded.clear(); selected = null; render(); });
  // A graph whose whole first level fits opens one level deeper than the root when that is all there is.
  if (root.groups.length === 1 && root.leaves.length === 0 && root.groups[0].groups.length + root.groups[0].leaves.length <= LIMIT) expanded.add(root.groups[0].id);
  render();
})();
`;
