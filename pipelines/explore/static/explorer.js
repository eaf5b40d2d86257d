// The explorer's pages: each reads the API (/api/docs) and draws tables and ECharts charts. No network beyond this
// server: echarts.min.js and the map outlines are served from static/vendor.
"use strict";

const root = document.getElementById("page");
const state = JSON.parse(root.dataset.page);

// An element: h("a", {href: "/"}, "text", child, ...). Text is always set as text, never as HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const response = await fetch(`${path}?${query}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
  return body;
}

function apiLink(path, params) {
  return `${path}?${new URLSearchParams(params)}`;
}

function number(value) {
  if (value === null || value === undefined) return "";
  const abs = Math.abs(value);
  if (abs >= 1e8) return `${(value / 1e8).toLocaleString("zh-CN", { maximumFractionDigits: 2 })} 亿`;
  if (abs >= 1e4 && !Number.isInteger(value)) return value.toLocaleString("en", { maximumFractionDigits: 0 });
  return value.toLocaleString("en", { maximumFractionDigits: 4 });
}

function printed(row) {
  return `${row.qualifier || ""}${row.published_value ?? ""}${row.published_unit ?? ""}`;
}

// The flags a figure carries, as badges: its status (unless reported), revised, qualifier (>, <, ≈).
function flags(row) {
  const out = [];
  if (row.obs_status && row.obs_status !== "reported") out.push(h("span", { class: `flag ${row.obs_status}` }, row.obs_status));
  if (row.is_revised) out.push(h("span", { class: "flag revised" }, "revised"));
  if (row.qualifier) out.push(h("span", { class: "flag qualifier", title: "as printed" }, row.qualifier));
  return out;
}

// A table with a CSV download: columns are [heading, row -> cell, row -> csv value]. download: an API address
// with format=csv (the same rows as the API gives), or null to write the shown rows as CSV here.
function table(title, rows, columns, download) {
  const csvLink = download
    ? h("a", { href: download, class: "csv", download: "" }, "CSV")
    : h("a", { href: "#", class: "csv", onclick: (e) => { e.preventDefault(); saveCsv(title, rows, columns); } }, "CSV");
  return h(
    "section",
    { class: "table" },
    h("h2", {}, title, " ", csvLink),
    rows.length === 0
      ? h("p", { class: "empty" }, "none")
      : h(
          "table",
          {},
          h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", {}, heading)))),
          h("tbody", {}, rows.map((row) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(row)))))),
        ),
  );
}

function saveCsv(title, rows, columns) {
  const quote = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const value = (row, [, cell, csv]) => (csv ? csv(row) : cell(row));
  const lines = [columns.map(([heading]) => quote(heading)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => quote(plain(value(row, c)))).join(","));
  const blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
  const a = h("a", { href: URL.createObjectURL(blob), download: `${title.replaceAll(/\W+/g, "_")}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
}

function plain(cell) {
  if (cell instanceof Node) return cell.textContent;
  if (Array.isArray(cell)) return cell.map(plain).join(" ");
  return cell;
}

const regionLink = (code, name) => h("a", { href: `/region/${code}` }, name ? `${name} (${code})` : code);
const seriesLink = (region, indicator, text) => h("a", { href: `/series/${region}/${indicator}` }, text);

function source(s) {
  if (!s) return "";
  const where = s.file
    ? h("a", { href: apiLink("/source", { file: s.file, line: s.line || 1 }) }, `${s.file}${s.line ? `, line ${s.line}` : ""}`)
    : s.document || "";
  return h(
    "span",
    { class: "source" },
    h("span", { title: s.title || "" }, s.code),
    s.released_on ? ` (${s.released_on})` : "",
    where ? h("br") : null,
    where ? h("small", {}, where) : null,
    s.quote ? h("q", {}, s.quote) : null,
  );
}

function show(...children) {
  root.replaceChildren(...children);
}

// ---- pages

const pages = {
  async home() {
    show(
      h("h1", {}, "Regional indicators"),
      h("p", {}, "Search a region (深圳, Shenzhen, 440300) or an indicator (GDP, 研发) above, or start here:"),
      h(
        "ul",
        {},
        h("li", {}, regionLink("440300", "深圳市")),
        h("li", {}, h("a", { href: "/indicator/gdp" }, "地区生产总值 (gdp): map and ranking")),
        h("li", {}, h("a", { href: "/compare?indicator=gdp&regions=440300,440100" }, "compare regions")),
        h("li", {}, h("a", { href: "/api/docs" }, "the API")),
      ),
    );
  },

  async search() {
    const q = state.query.q || "";
    document.querySelector("header input").value = q;
    const found = await api("/api/search", { q });
    show(
      h("h1", {}, `Search: ${q}`),
      table("Regions", found.regions, [
        ["region", (r) => regionLink(r.code, r.name_zh)],
        ["English", (r) => r.name_en],
        ["level", (r) => r.level],
        ["in", (r) => r.parent_name_zh || ""],
        ["matched", (r) => (r.matched_until ? `${r.matched} (its name until ${r.matched_until})` : r.matched)],
        ["current", (r) => (r.current ? "" : `no longer (until ${r.valid_to})`)],
      ]),
      table("Indicators", found.indicators, [
        ["indicator", (i) => h("a", { href: `/indicator/${i.code}` }, `${i.name_zh} (${i.code})`)],
        ["English", (i) => i.name_en],
        ["unit", (i) => i.unit],
        ["matched", (i) => i.matched],
      ]),
    );
  },

  async region() {
    const r = await api("/api/region", { code: state.code });
    document.title = `${r.name_zh} ${r.code}`;
    show(
      h("h1", {}, r.name_zh, " ", h("small", {}, `${r.name_en || ""} · ${r.level} · ${r.code}`)),
      h(
        "p",
        {},
        r.parent ? ["in ", regionLink(r.parent.code, r.parent.name_zh)] : null,
        r.current ? "" : ` · no longer current (until ${r.valid_to})`,
      ),
      table("Latest figures", r.latest, [
        ["indicator", (f) => seriesLink(r.code, f.indicator_code, f.indicator_name_zh), (f) => f.indicator_code],
        ["period", (f) => f.period],
        ["as printed", (f) => printed(f)],
        ["value", (f) => number(f.value), (f) => f.value],
        ["unit", (f) => f.unit],
        ["flags", (f) => flags(f)],
        ["source", (f) => f.source_code],
      ]),
      table("Findings", r.findings, [
        ["severity", (f) => f.severity],
        ["rule", (f) => f.rule_code],
        ["period", (f) => f.period_code],
        ["published", (f) => f.published_value],
        ["recomputed", (f) => number(f.recomputed_value), (f) => f.recomputed_value],
        ["explanation", (f) => f.explanation],
      ]),
      table("Subdivisions", r.subdivisions, [
        ["region", (s) => regionLink(s.code, s.name_zh)],
        ["English", (s) => s.name_en],
        ["level", (s) => s.level],
      ]),
      table("Code history", r.history, [
        ["from", (c) => `${c.old_name_zh || ""} ${c.old_code}`],
        ["to", (c) => `${c.new_name_zh || ""} ${c.new_code || ""}`],
        ["change", (c) => c.change_type],
        ["effective", (c) => c.effective_from],
      ]),
    );
  },

  async series() {
    const asOf = state.query.as_of || "";
    const params = { region: state.region, indicator: state.indicator, as_of: asOf };
    const [s, r, i] = await Promise.all([
      api("/api/series", params),
      api("/api/region", { code: state.region }),
      api("/api/indicator", { code: state.indicator }),
    ]);
    document.title = `${i.name_zh} · ${r.name_zh}`;
    const chart = h("div", { class: "chart", id: "chart" });
    show(
      h("h1", {}, regionLink(r.code, r.name_zh), " · ", h("a", { href: `/indicator/${i.code}` }, i.name_zh), " ", h("small", {}, i.unit)),
      h(
        "form",
        { class: "as-of" },
        "As of ",
        h("input", { type: "date", name: "as_of", value: asOf }),
        " ",
        h("button", {}, "show"),
        asOf ? [" ", h("a", { href: location.pathname }, "today")] : null,
      ),
      chart,
      table(
        "Points",
        s.items,
        [
          ["period", (p) => p.period],
          ["as printed", (p) => printed(p)],
          ["value", (p) => number(p.value), (p) => p.value],
          ["unit", (p) => p.unit],
          ["flags", (p) => flags(p)],
          ["source", (p) => source(p.source)],
          ["releases", (p) => p.releases.map((x) => `${x.released_on} ${x.published_value ?? x.value}`).join("; ")],
        ],
        apiLink("/api/series", { ...params, format: "csv" }),
      ),
    );
    drawSeries(chart, [{ name: r.name_zh, items: s.items }], i.unit);
  },

  async compare() {
    const indicator = state.query.indicator || "gdp";
    const regions = state.query.regions || "";
    const form = h(
      "form",
      { class: "compare" },
      "Indicator ",
      h("input", { name: "indicator", value: indicator, size: 24 }),
      " regions ",
      h("input", { name: "regions", value: regions, size: 40, placeholder: "440300,440100" }),
      " ",
      h("button", {}, "compare"),
    );
    if (!regions) return show(h("h1", {}, "Compare regions"), form);
    const c = await api("/api/compare", { indicator, regions });
    const chart = h("div", { class: "chart", id: "chart" });
    const rows = c.series.flatMap((s) => s.items.map((p) => ({ ...p, region: s.region, name_zh: s.name_zh })));
    show(
      h("h1", {}, `Compare: ${indicator}`),
      form,
      chart,
      table("Points", rows, [
        ["region", (p) => regionLink(p.region, p.name_zh), (p) => p.region],
        ["period", (p) => p.period],
        ["as printed", (p) => printed(p)],
        ["value", (p) => number(p.value), (p) => p.value],
        ["flags", (p) => flags(p)],
        ["source", (p) => p.source.code],
      ]),
    );
    drawSeries(chart, c.series.map((s) => ({ name: s.name_zh || s.region, items: s.items })), rows[0]?.unit || "");
  },

  async source() {
    const line = Number(state.query.line || 1);
    const s = await api("/api/source", { file: state.query.file, line });
    show(
      h("h1", {}, s.file, " ", h("small", {}, `line ${line} of ${s.total_lines}`)),
      h(
        "table",
        { class: "raw" },
        s.header && s.lines[0].n > 1 ? h("tr", {}, h("td", { class: "n" }, "1"), h("td", {}, h("code", {}, s.header))) : null,
        s.lines.map((l) => h("tr", { class: l.n === line ? "here" : null }, h("td", { class: "n" }, l.n), h("td", {}, h("code", {}, l.text)))),
      ),
    );
  },

  async indicator() {
    const i = await api("/api/indicator", { code: state.code });
    document.title = `${i.name_zh} (${i.code})`;
    const levels = [...new Set(i.coverage.map((c) => c.level))];
    const level = state.query.level || (levels.includes("province") ? "province" : levels[0]);
    const periods = i.coverage.filter((c) => c.level === level).map((c) => c.period);
    const period = state.query.period || periods[0];
    const within = state.query.within || "";
    const head = [
      h("h1", {}, i.name_zh, " ", h("small", {}, `${i.name_en} · ${i.code} · ${i.unit}`)),
      h(
        "form",
        { class: "map-form" },
        "Level ",
        h("select", { name: "level" }, levels.map((l) => h("option", { value: l, selected: l === level }, l))),
        " period ",
        h("select", { name: "period" }, periods.map((p) => h("option", { value: p, selected: p === period }, p))),
        " within ",
        h("input", { name: "within", value: within, size: 8, placeholder: "440000" }),
        " ",
        h("button", {}, "show"),
      ),
    ];
    if (!period) return show(...head, h("p", { class: "empty" }, "No figures of this indicator yet."));
    const params = { indicator: i.code, period, level, within };
    const m = await api("/api/map", params);
    const chart = h("div", { class: "chart map", id: "map" });
    show(
      ...head,
      h(
        "div",
        { class: "side-by-side" },
        chart,
        table(
          `Ranking, ${period}`,
          m.items,
          [
            ["rank", (x) => x.rank],
            ["region", (x) => regionLink(x.code, x.name_zh), (x) => x.code],
            ["as printed", (x) => printed(x)],
            ["value", (x) => number(x.value), (x) => x.value],
            ["flags", (x) => flags(x)],
          ],
          apiLink("/api/map", { ...params, format: "csv" }),
        ),
      ),
    );
    await drawMap(chart, m, i);
  },
};

// ---- charts

const STATUS_SYMBOL = { provisional: "emptyCircle", estimate: "emptyDiamond", revised: "diamond", target: "triangle" };

function drawSeries(el, series, unit) {
  const periods = [...new Set(series.flatMap((s) => s.items.map((p) => p.period)))].sort();
  const chart = echarts.init(el);
  const lines = [];
  for (const s of series) {
    const outcome = s.items.filter((p) => p.obs_status !== "target");
    const target = s.items.filter((p) => p.obs_status === "target");
    lines.push(line(s.name, outcome, periods, false));
    if (target.length) lines.push(line(`${s.name} target`, target, periods, true));
  }
  chart.setOption({
    animation: false, // drawn whole at once: what a screenshot or a quick look sees is the chart
    tooltip: { trigger: "item", formatter: (p) => `${p.seriesName}<br>${p.name}: ${p.data.printed}` },
    legend: { top: 0 },
    xAxis: { type: "category", data: periods },
    yAxis: { type: "value", name: unit, scale: true, axisLabel: { formatter: number } },
    series: lines,
  });
  el.dataset.points = String(lines.reduce((n, l) => n + l.data.filter((d) => d.value !== null).length, 0));
}

function line(name, items, periods, dashed) {
  const at = new Map(items.map((p) => [p.period, p]));
  return {
    name,
    type: "line",
    connectNulls: true,
    lineStyle: dashed ? { type: "dashed" } : {},
    symbolSize: 9,
    data: periods.map((period) => {
      const p = at.get(period);
      if (!p) return { value: null, printed: "" };
      const marks = [p.obs_status !== "reported" ? p.obs_status : "", p.is_revised ? "revised" : ""].filter(Boolean);
      return {
        value: p.value,
        printed: `${printed(p)}${marks.length ? ` (${marks.join(", ")})` : ""}`,
        symbol: STATUS_SYMBOL[p.is_revised ? "revised" : p.obs_status] || "circle",
      };
    }),
  };
}

// The outlines come from ECharts 4.9's map data (pipelines/explore/vendor.py): China's provinces, and each
// province's prefectures (a municipality's districts). Registered as "china", ECharts adds the South China Sea inset.
async function drawMap(el, m, indicator) {
  const file = `${m.within || "000000"}_${m.level}`;
  const outline = await fetch(`/static/vendor/maps/${file}.json`);
  if (!outline.ok) {
    el.replaceChildren(h("p", { class: "empty" }, `No map outlines of the ${m.level} level${m.within ? ` within ${m.within}` : ""}: the ranking is beside.`));
    el.dataset.regions = "0";
    return;
  }
  const geo = await outline.json();
  const name = file === "000000_province" ? "china" : file;
  echarts.registerMap(name, geo);
  const codes = new Set(geo.features.map((f) => f.properties.adcode));
  const values = m.items.filter((x) => codes.has(x.code)).map((x) => ({ name: x.code, value: x.value, printed: printed(x), region: x.name_zh }));
  const chart = echarts.init(el);
  chart.setOption({
    animation: false,
    tooltip: { formatter: (p) => (p.data ? `${p.data.region}<br>${p.data.printed}` : `${p.name}: no figure`) },
    visualMap: values.length
      ? { min: Math.min(...values.map((v) => v.value)), max: Math.max(...values.map((v) => v.value)), calculable: true, text: [indicator.unit, ""], left: 0, bottom: 0, formatter: number }
      : undefined,
    series: [{ type: "map", map: name, nameProperty: "adcode", data: values, emphasis: { label: { show: false } } }],
  });
  el.dataset.regions = String(values.length);  // the regions coloured: what the browser test counts
}

// ---- start

pages[state.page]().catch((error) => show(h("h1", {}, "Not found"), h("p", { class: "error" }, error.message)));
