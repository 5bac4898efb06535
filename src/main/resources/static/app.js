// The try-it page: pick a model, give an image, show the top-k and the server's stage timings.
// Plain browser JavaScript, no build step and nothing loaded from elsewhere.
"use strict";

const STAGES = ["decode", "preprocess", "queue", "inference", "postprocess"];
const $ = (id) => document.getElementById(id);

async function loadModels() {
  const select = $("model");
  try {
    const response = await fetch("v1/models", { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw await problemOf(response);
    }
    const models = await response.json();
    for (const model of models) {
      const option = document.createElement("option");
      option.value = model.name;
      option.textContent = model.name + (model.defaultModel ? " (default)" : "") +
        (model.state === "READY" ? "" : " — " + model.state.toLowerCase());
      option.selected = model.defaultModel;
      option.dataset.info = [model.architecture, model.labels ? model.labels + " classes" : null,
        model.version ? "version " + model.version : null].filter(Boolean).join(", ");
      select.append(option);
    }
    showModelInfo();
  } catch (problem) {
    showResultSection();
    showProblem(problem);
  }
}

function showModelInfo() {
  const option = $("model").selectedOptions[0];
  $("model-info").textContent = option ? option.dataset.info : "";
}

async function classify(file) {
  if (!file) {
    return;
  }
  showResultSection();
  clearResult();
  const preview = $("preview");
  if (preview.src) {
    URL.revokeObjectURL(preview.src);
  }
  preview.src = URL.createObjectURL(file);
  $("preview-caption").textContent = (file.name || "pasted image") + " · " + formatBytes(file.size);
  $("status").textContent = "Classifying…";

  const model = encodeURIComponent($("model").value);
  const topK = encodeURIComponent($("top-k").value || "5");
  try {
    const response = await fetch(`v1/models/${model}/classify?topK=${topK}`, {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream", Accept: "application/json" },
      body: file,
    });
    if (!response.ok) {
      throw await problemOf(response);
    }
    const result = await response.json();
    $("status").textContent = `${result.model} (version ${result.version}) on ${result.device}, ` +
      `${result.timings.totalMs.toFixed(1)} ms in the server`;
    showPredictions(result.predictions);
    showTimings(result.timings);
  } catch (problem) {
    $("status").textContent = "";
    showProblem(problem);
  }
}

async function problemOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (notJson) {
    // a proxy's HTML page, for instance: fall back to the status line
  }
  return {
    status: response.status,
    title: (body && body.title) || response.statusText || "Request failed",
    detail: (body && body.detail) || "",
    code: body && body.code,
  };
}

function showPredictions(predictions) {
  const list = $("predictions");
  for (const p of predictions) {
    const percent = p.probability * 100;
    const item = document.createElement("li");
    const head = document.createElement("div");
    head.className = "prediction-head";
    const label = document.createElement("span");
    label.className = "prediction-label";
    label.textContent = p.label;
    const value = document.createElement("span");
    value.className = "prediction-value";
    value.textContent = formatPercent(percent);
    head.append(label, value);
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", p.label);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", percent.toFixed(1));
    const fill = document.createElement("span");
    fill.style.width = Math.max(0, Math.min(100, percent)) + "%";
    bar.append(fill);
    item.append(head, bar);
    list.append(item);
  }
}

function showTimings(timings) {
  const total = STAGES.reduce((sum, stage) => sum + timings[stage + "Ms"], 0) || 1;
  const bar = $("timing-bar");
  const legend = $("timing-legend");
  for (const stage of STAGES) {
    const ms = timings[stage + "Ms"];
    const segment = document.createElement("span");
    segment.className = "stage-" + stage;
    segment.style.width = (100 * ms / total) + "%";
    segment.title = `${stage} ${ms.toFixed(1)} ms`;
    bar.append(segment);
    const entry = document.createElement("li");
    entry.dataset.stage = stage;
    const swatch = document.createElement("span");
    swatch.className = "swatch stage-" + stage;
    entry.append(swatch, `${stage} ${ms.toFixed(1)} ms`);
    legend.append(entry);
  }
  bar.setAttribute("aria-label", "Stage times: " +
    STAGES.map((s) => `${s} ${timings[s + "Ms"].toFixed(1)} ms`).join(", "));
  $("timings-title").hidden = false;
  $("timings").hidden = false;
}

function showProblem(problem) {
  const box = $("problem");
  box.replaceChildren();
  const title = document.createElement("h3");
  title.textContent = `${problem.status || ""} ${problem.title}`.trim();
  box.append(title);
  if (problem.detail) {
    const detail = document.createElement("p");
    detail.textContent = problem.detail;
    box.append(detail);
  }
  if (problem.code) {
    const code = document.createElement("p");
    code.className = "hint";
    code.textContent = "code: " + problem.code;
    box.append(code);
  }
  box.hidden = false;
}

function clearResult() {
  $("problem").hidden = true;
  $("problem").replaceChildren();
  $("predictions").replaceChildren();
  $("timing-bar").replaceChildren();
  $("timing-legend").replaceChildren();
  $("timings").hidden = true;
  $("timings-title").hidden = true;
}

function showResultSection() {
  $("result").hidden = false;
}

function formatPercent(percent) {
  return percent >= 0.1 || percent === 0 ? percent.toFixed(1) + " %" : "< 0.1 %";
}

function formatBytes(bytes) {
  return bytes < 1024 ? bytes + " B" : bytes < 1048576 ? (bytes / 1024).toFixed(0) + " KB"
    : (bytes / 1048576).toFixed(1) + " MB";
}

function wireInputs() {
  $("model").addEventListener("change", showModelInfo);
  $("file").addEventListener("change", (event) => classify(event.target.files[0]));
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    classify(event.dataTransfer.files[0]);
  });
  document.addEventListener("paste", (event) => {
    const item = [...event.clipboardData.items].find((i) => i.kind === "file");
    if (item) {
      classify(item.getAsFile());
    }
  });
  $("classify-form").addEventListener("submit", (event) => event.preventDefault());
}

wireInputs();
loadModels();
