// Small browser helpers for the FedLab dashboard: theme persistence, chart inspection for tests and the
// latency benchmark, and the client x round heatmap (a canvas: Plotly's basic bundle, which the dashboard
// loads because it is 4x smaller than the full one, has no heatmap trace).
window.fedlab = (() => {
  const getTheme = () => { try { return localStorage.getItem("fedlab-theme"); } catch { return null; } };
  const setTheme = (value) => { try { localStorage.setItem("fedlab-theme", value); } catch { } };

  // Points in trace `trace` (default 0) of a Plotly chart div, or rows of a heatmap; 0 before it is drawn.
  const tracePoints = (id, trace) => {
    const el = document.getElementById(id);
    if (!el) { return 0; }
    if (el.__heatmap) { return el.__heatmap.rows.length; }
    const t = el.data && el.data[trace || 0];
    return t && t.x ? t.x.length : 0;
  };

  // Viridis, reversed so that high loss is dark: anchors sampled from matplotlib's colormap.
  const viridis = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  const colour = (t) => {
    const x = Math.min(1, Math.max(0, 1 - t)) * (viridis.length - 1);
    const i = Math.min(viridis.length - 2, Math.floor(x)), f = x - i;
    const a = viridis[i], b = viridis[i + 1];
    return `rgb(${Math.round(a[0] + (b[0] - a[0]) * f)},${Math.round(a[1] + (b[1] - a[1]) * f)},${Math.round(a[2] + (b[2] - a[2]) * f)})`;
  };

  const failedColour = "#d32f2f";
  // A client round that did not count: its colour by kind (palette from the server: dropped, late, error), and a
  // glyph so the kinds differ without colour too: late one diagonal, error a cross, dropped none.
  const failedMark = (h, r, c) => {
    const kind = r.kinds ? r.kinds[c] : "error";
    return { colour: (h.palette && h.palette[kind]) || failedColour, strokes: kind === "dropped" ? 0 : kind === "late" ? 1 : 2 };
  };
  const heatmap = {
    // rows: [{ round, values: [loss or null per client], failed?: ["kind: reason" or null per client], kinds?: [kind or null] }];
    // clients: column count; palette: { kind: colour }.
    draw(id, clients, rows, dark, yTitle, palette) {
      const el = document.getElementById(id);
      if (!el) { return; }
      if (!el.__heatmap) {
        const canvas = document.createElement("canvas");
        const tip = document.createElement("div");
        tip.className = "fedlab-heatmap-tip";
        el.appendChild(canvas);
        el.appendChild(tip);
        el.__heatmap = { canvas, tip, rows: [], clients, dark, yTitle, palette };
        canvas.addEventListener("mousemove", (e) => heatmap.hover(el, e));
        canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
        new ResizeObserver(() => heatmap.paint(el)).observe(el);
      }
      Object.assign(el.__heatmap, { clients, rows: rows.slice(), dark, yTitle, palette: palette || el.__heatmap.palette });
      heatmap.paint(el);
    },
    // A live round: one more row, painted with the others (a canvas repaint of at most 200 x clients cells).
    append(id, rows) {
      const el = document.getElementById(id);
      if (!el || !el.__heatmap) { return; }
      el.__heatmap.rows.push(...rows);
      heatmap.paint(el);
    },
    setTheme(id, dark) {
      const el = document.getElementById(id);
      if (!el || !el.__heatmap) { return; }
      el.__heatmap.dark = dark;
      heatmap.paint(el);
    },
    geometry(el) {
      const h = el.__heatmap, width = el.clientWidth || 600, height = el.clientHeight || 420;
      const left = 56, right = 70, top = 10, bottom = 44;
      return { width, height, left, top, plotW: Math.max(10, width - left - right), plotH: Math.max(10, height - top - bottom), rows: h.rows.length, clients: h.clients };
    },
    range(h) {
      let min = Infinity, max = -Infinity;
      for (const r of h.rows) { for (const v of r.values) { if (v !== null && v !== undefined) { if (v < min) min = v; if (v > max) max = v; } } }
      return min === Infinity ? [0, 1] : min === max ? [min, min + 1e-9] : [min, max];
    },
    paint(el) {
      const h = el.__heatmap, g = heatmap.geometry(el), ratio = window.devicePixelRatio || 1;
      h.canvas.width = g.width * ratio; h.canvas.height = g.height * ratio;
      h.canvas.style.width = g.width + "px"; h.canvas.style.height = g.height + "px";
      const ctx = h.canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, g.width, g.height);
      if (h.background) { ctx.fillStyle = h.background; ctx.fillRect(0, 0, g.width, g.height); }
      const text = h.dark ? "#d8dbe6" : "#2b2f3a", empty = h.dark ? "rgba(255,255,255,0.04)" : "rgba(0,0,0,0.04)";
      const [min, max] = heatmap.range(h);
      const cw = g.plotW / Math.max(1, g.clients), ch = g.plotH / Math.max(1, g.rows);
      ctx.fillStyle = empty; ctx.fillRect(g.left, g.top, g.plotW, g.plotH);
      // Rows bottom-up: the first round at the bottom, as on the line charts' y axis.
      h.rows.forEach((r, i) => {
        const y = g.top + g.plotH - (i + 1) * ch;
        r.values.forEach((v, c) => {
          if (v === null || v === undefined) { return; }
          ctx.fillStyle = colour((v - min) / (max - min));
          ctx.fillRect(g.left + c * cw, y, Math.ceil(cw), Math.ceil(ch));
        });
        // A client that did not count in this round (or bucket): its kind's colour and glyph, whatever its loss.
        (r.failed || []).forEach((f, c) => {
          if (f === null || f === undefined) { return; }
          const x = g.left + c * cw, mark = failedMark(h, r, c);
          ctx.fillStyle = mark.colour; ctx.fillRect(x, y, Math.ceil(cw), Math.ceil(ch));
          if (mark.strokes === 0) { return; }
          ctx.strokeStyle = h.dark ? "#1e1e2d" : "#ffffff"; ctx.lineWidth = 1;
          ctx.beginPath(); ctx.moveTo(x + 1, y + 1); ctx.lineTo(x + cw - 1, y + ch - 1);
          if (mark.strokes === 2) { ctx.moveTo(x + cw - 1, y + 1); ctx.lineTo(x + 1, y + ch - 1); }
          ctx.stroke();
        });
      });
      ctx.fillStyle = text; ctx.font = "12px Roboto, Helvetica, Arial, sans-serif";
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      const xStep = Math.max(1, Math.ceil(g.clients / Math.max(1, Math.floor(g.plotW / 40))));
      for (let c = 0; c < g.clients; c += xStep) { ctx.fillText(String(c), g.left + (c + 0.5) * cw, g.top + g.plotH + 4); }
      ctx.fillText("client", g.left + g.plotW / 2, g.height - 16);
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      const yStep = Math.max(1, Math.ceil(g.rows / Math.max(1, Math.floor(g.plotH / 22))));
      for (let i = 0; i < g.rows; i += yStep) { ctx.fillText(String(h.rows[i].round), g.left - 6, g.top + g.plotH - (i + 0.5) * ch); }
      ctx.save(); ctx.translate(12, g.top + g.plotH / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center"; ctx.fillText(h.yTitle || "round", 0, 0); ctx.restore();
      // Colour bar with the loss range.
      const bx = g.left + g.plotW + 16, bw = 12;
      for (let k = 0; k < g.plotH; k++) { ctx.fillStyle = colour(1 - k / g.plotH); ctx.fillRect(bx, g.top + k, bw, 1); }
      ctx.fillStyle = text; ctx.textAlign = "left";
      ctx.fillText(max.toFixed(3), bx + bw + 4, g.top + 6); ctx.fillText(min.toFixed(3), bx + bw + 4, g.top + g.plotH - 6);
    },
    hover(el, e) {
      const h = el.__heatmap, g = heatmap.geometry(el), rect = h.canvas.getBoundingClientRect();
      const x = e.clientX - rect.left - g.left, y = g.top + g.plotH - (e.clientY - rect.top);
      const c = Math.floor(x / (g.plotW / Math.max(1, g.clients))), i = Math.floor(y / (g.plotH / Math.max(1, g.rows)));
      if (c < 0 || c >= g.clients || i < 0 || i >= g.rows) { h.tip.style.display = "none"; return; }
      const v = h.rows[i].values[c], f = h.rows[i].failed ? h.rows[i].failed[c] : null;
      const loss = v === null || v === undefined ? null : "train loss " + v.toFixed(4);
      h.tip.textContent = `client ${c}, round ${h.rows[i].round}: ${f !== null && f !== undefined ? f + (loss ? "; " + loss : "") : loss || "not sampled"}`;
      h.tip.style.display = "block"; h.tip.style.left = (e.clientX - rect.left + 12) + "px"; h.tip.style.top = (e.clientY - rect.top + 12) + "px";
    },
  };

  // Figures for papers: every chart downloads as SVG or PNG in the light theme on an opaque white background,
  // whatever theme the page shows (a PNG taken in dark mode used to have light text on nothing).
  const light = { text: "#2b2f3a", grid: "rgba(0,0,0,0.09)", background: "#ffffff" };
  const save = (url, name) => {
    const a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  };
  const lightLayout = (layout) => {
    const l = JSON.parse(JSON.stringify(layout || {}));
    l.paper_bgcolor = light.background; l.plot_bgcolor = light.background;
    l.font = Object.assign({}, l.font, { color: light.text });
    for (const key of Object.keys(l)) {
      if (/^[xy]axis\d*$/.test(key) && l[key]) { l[key].gridcolor = light.grid; l[key].linecolor = light.grid; }
    }
    if (l.legend) { l.legend.bgcolor = light.background; }
    return l;
  };
  const escapeXml = (s) => String(s).replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]);
  // The heatmap as SVG: one rect per cell, cells that did not count in their kind's colour and glyph, axis labels and the colour bar.
  const heatmapSvg = (el) => {
    const h = el.__heatmap, g = heatmap.geometry(el), [min, max] = heatmap.range(h);
    const cw = g.plotW / Math.max(1, g.clients), ch = g.plotH / Math.max(1, g.rows);
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" font-family="Roboto, Helvetica, Arial, sans-serif" font-size="12">`,
      `<rect width="100%" height="100%" fill="${light.background}"/>`, `<rect x="${g.left}" y="${g.top}" width="${g.plotW}" height="${g.plotH}" fill="rgba(0,0,0,0.04)"/>`];
    h.rows.forEach((r, i) => {
      const y = g.top + g.plotH - (i + 1) * ch;
      r.values.forEach((v, c) => {
        if (v === null || v === undefined) { return; }
        out.push(`<rect x="${(g.left + c * cw).toFixed(2)}" y="${y.toFixed(2)}" width="${cw.toFixed(2)}" height="${ch.toFixed(2)}" fill="${colour((v - min) / (max - min))}"><title>client ${c}, round ${r.round}: train loss ${v.toFixed(4)}</title></rect>`);
      });
      (r.failed || []).forEach((f, c) => {
        if (f === null || f === undefined) { return; }
        const x = g.left + c * cw, mark = failedMark(h, r, c);
        out.push(`<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${cw.toFixed(2)}" height="${ch.toFixed(2)}" fill="${mark.colour}"><title>client ${c}, round ${r.round}: ${escapeXml(f)}</title></rect>`);
        if (mark.strokes > 0) {
          out.push(`<path d="M${x + 1} ${y + 1}L${x + cw - 1} ${y + ch - 1}${mark.strokes === 2 ? `M${x + cw - 1} ${y + 1}L${x + 1} ${y + ch - 1}` : ""}" stroke="#ffffff" stroke-width="1"/>`);
        }
      });
    });
    const xStep = Math.max(1, Math.ceil(g.clients / Math.max(1, Math.floor(g.plotW / 40))));
    for (let c = 0; c < g.clients; c += xStep) { out.push(`<text x="${g.left + (c + 0.5) * cw}" y="${g.top + g.plotH + 16}" text-anchor="middle" fill="${light.text}">${c}</text>`); }
    out.push(`<text x="${g.left + g.plotW / 2}" y="${g.height - 6}" text-anchor="middle" fill="${light.text}">client</text>`);
    const yStep = Math.max(1, Math.ceil(g.rows / Math.max(1, Math.floor(g.plotH / 22))));
    for (let i = 0; i < g.rows; i += yStep) { out.push(`<text x="${g.left - 6}" y="${g.top + g.plotH - (i + 0.5) * ch + 4}" text-anchor="end" fill="${light.text}">${h.rows[i].round}</text>`); }
    out.push(`<text transform="translate(14 ${g.top + g.plotH / 2}) rotate(-90)" text-anchor="middle" fill="${light.text}">${escapeXml(h.yTitle || "round")}</text>`);
    const bx = g.left + g.plotW + 16, steps = 50;
    for (let k = 0; k < steps; k++) { out.push(`<rect x="${bx}" y="${(g.top + k * g.plotH / steps).toFixed(2)}" width="12" height="${(g.plotH / steps + 0.5).toFixed(2)}" fill="${colour(1 - k / steps)}"/>`); }
    out.push(`<text x="${bx + 16}" y="${g.top + 10}" fill="${light.text}">${max.toFixed(3)}</text><text x="${bx + 16}" y="${g.top + g.plotH}" fill="${light.text}">${min.toFixed(3)}</text>`);
    out.push("</svg>");
    return out.join("");
  };
  const figure = {
    // Returns the data URL it downloads (tests read it back).
    async download(id, format) {
      const el = document.getElementById(id);
      if (!el) { return null; }
      let url;
      if (el.__heatmap) {
        const h = el.__heatmap, dark = h.dark;
        if (format === "svg") {
          url = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(heatmapSvg(el));
        } else {
          Object.assign(h, { dark: false, background: light.background });
          heatmap.paint(el);
          url = h.canvas.toDataURL("image/png");
          Object.assign(h, { dark, background: null });
          heatmap.paint(el);
        }
      } else {
        const width = el.clientWidth || 800, height = el.clientHeight || 400;
        url = await Plotly.toImage({ data: el.data, layout: lightLayout(el.layout) }, { format, width, height, scale: format === "png" ? 2 : 1 });
      }
      save(url, `${id}.${format}`);
      return url;
    },
  };
  document.addEventListener("click", (e) => {
    const button = e.target.closest ? e.target.closest("[data-export-chart]") : null;
    if (button) { figure.download(button.getAttribute("data-export-chart"), button.getAttribute("data-format")); }
  });

  return { getTheme, setTheme, tracePoints, heatmap, figure };
})();
