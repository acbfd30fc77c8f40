// Small browser helpers for the FedLab dashboard (theme persistence, chart inspection for tests/benchmarks).
window.fedlab = {
  getTheme: () => { try { return localStorage.getItem("fedlab-theme"); } catch { return null; } },
  setTheme: (value) => { try { localStorage.setItem("fedlab-theme", value); } catch { } },
  // Number of points in trace 0 of a Plotly chart div (0 before it is drawn): what tests and the latency
  // benchmark watch to see a round arrive.
  tracePoints: (id, trace) => {
    const el = document.getElementById(id);
    if (!el || !el.data || !el.data[trace || 0] || !el.data[trace || 0].x) { return 0; }
    return el.data[trace || 0].x.length;
  },
};
