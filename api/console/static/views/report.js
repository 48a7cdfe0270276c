// The Panel's Operations Report (section 1, Market Entry and Exit) for a chosen month: its sections as the paper
// reads, Table 3 and Figure 1 drawn, and the Word, HTML and Markdown downloads one click away. Everything comes from
// operationsReport (the Amber appendices only when the server shows them to this key).

import { horizontalBars } from "../charts.js";
import { Q_OPERATIONS_REPORT } from "../documents.js";
import { $, h, replace } from "../dom.js";
import { session } from "../session.js";
const FORMATS = [["docx", "Word"], ["html", "HTML"], ["md", "Markdown"]];
const CATEGORY = {
  LARGE_SUPPLIER: "Large Suppliers", SMALL_SUPPLIER: "Small Suppliers", ELECTRICITY_NETWORK: "Electricity Networks",
  GAS_NETWORK: "Gas Networks", OTHER_SEC_PARTY: "Other SEC Parties",
};

let shown = false;

function table(t, className = "report-table") {
  return h("div", { className: "table-wrap" }, h("table", { className },
    h("caption", {}, t.caption),
    h("thead", {}, h("tr", {}, t.header.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, t.rows.map((r) => h("tr", {}, r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c))))))));
}

function block(b) {
  if (b.kind === "h") return h("h4", {}, b.text);
  if (b.kind === "bullets") return h("ul", {}, b.items.map((i) => h("li", {}, i)));
  if (b.kind === "footnotes") return h("ol", { className: "footnotes small" }, b.items.map((i) => h("li", {}, i)));
  if (b.kind === "table" && b.table) return table(b.table, b.table.caption.startsWith("Table 3") ? "report-table table-3" : "report-table");
  if (b.kind === "figure") {
    const items = b.bars.map((c, i) => ({ label: CATEGORY[c.category] || c.category, value: c.count, cls: `s-cat-${i % 6}` }));
    return h("section", { className: "figure-1", "aria-label": b.text }, horizontalBars({
      title: b.text, desc: items.map((i) => `${i.label} ${i.value}`).join(", "), items, caption: b.text,
    }), h("p", { className: "muted small" }, b.text));
  }
  return h("p", {}, b.text);
}

function downloads(month) {
  const box = $("#report-downloads");
  replace(box, FORMATS.map(([ext, label]) => h("a", {
    href: `/api/v1/operations-report/${month}.${ext}`, className: "download", "data-format": ext,
    download: `operations-report-${month}.${ext}`,
    onclick: async (e) => {
      e.preventDefault();
      try {
        await session.api.download(`/api/v1/operations-report/${month}.${ext}`, `operations-report-${month}.${ext}`);
      } catch (err) {
        replace($("#report-error"), h("p", {}, h("strong", {}, err.code || "ERROR"), `: ${err.message}`));
      }
    },
  }, `${label} (.${ext})`)));
}

async function load(month) {
  const out = $("#report");
  replace($("#report-error"));
  replace(out, h("p", { className: "muted" }, "Loading…"));
  try {
    const { operationsReport: r } = await session.api.query(Q_OPERATIONS_REPORT, { month });
    downloads(r.month);
    replace(out,
      h("header", { className: "report-head" },
        h("h2", {}, r.title),
        r.reference ? h("p", {}, `Paper Reference: ${r.reference}`) : null,
        h("p", {}, `Action: ${r.action}`),
        h("p", { className: "muted small" }, r.classificationText),
        h("h3", {}, "Recommendation"), h("p", {}, "The Panel are requested to:"),
        h("ul", { className: "recommendations" }, r.recommendations.map((x) => h("li", {}, x))),
        h("p", { className: "muted small" }, `Attachments: ${r.attachments.join("; ")}`)),
      r.sections.map((s) => h("section", { className: "report-section", "aria-labelledby": `rs-${s.number}` },
        h("h3", { id: `rs-${s.number}` }, `${s.number} ${s.title}`), s.blocks.map(block))),
      r.testing.appendices.map((t) => h("section", { className: "appendix" }, h("h3", {}, t.caption), table(t))));
  } catch (e) {
    replace(out);
    replace($("#report-error"), h("p", {}, h("strong", {}, e.code || "ERROR"), `: ${e.message}`));
  }
}

export function wire() {
  $("#report-form").addEventListener("submit", (e) => {
    e.preventDefault();
    load($("#report-month").value);
  });
}

// When the view opens: the month chosen, or the last full month.
export function show() {
  if (shown) return;
  shown = true;
  const input = $("#report-month");
  if (!input.value) {
    const d = new Date();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1);
    input.value = d.toISOString().slice(0, 7);
  }
  load(input.value);
}

export function reset() {
  shown = false;
  replace($("#report"));
  replace($("#report-downloads"));
  replace($("#report-error"));
}
