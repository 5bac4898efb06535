// The try-it page: pick a model, give an image, show the top-k and the server's stage timings.
// Plain browser JavaScript, no build step and nothing loaded from elsewhere.
"use strict";

const STAGES = ["decode", "preprocess", "queue", "inference", "postprocess"];
const $ = (id) => document.getElementById(id);

async function loadModels() {
  try {
    showModels(await fetchModels());
  } catch (problem) {
    showResultSection();
    showProblem(problem);
  }
}

// Every served model once (GET /v1/models lists every version): its default version.
async function fetchModels() {
  const response = await fetch("v1/models", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    throw await problemOf(response);
  }
  const byName = new Map();
  for (const model of await response.json()) {
    if (!byName.has(model.name) || model.defaultVersion) {
      byName.set(model.name, model);
    }
  }
  return [...byName.values()];
}

// Fills the classify view's model list (selecting `selected`, else the default model) and the Teach view's base
// model list (keeping its choice, else the demo model, else the default model).
function showModels(models, selected) {
  const select = $("model");
  select.replaceChildren();
  for (const model of models) {
    const option = document.createElement("option");
    option.value = model.name;
    option.textContent = model.name + (model.defaultModel ? " (default)" : "") +
      (model.state === "READY" ? "" : " — " + model.state.toLowerCase());
    option.selected = selected ? model.name === selected : model.defaultModel;
    option.dataset.info = [model.architecture, model.labels ? model.labels + " classes" : null,
      model.version ? "version " + model.version : null].filter(Boolean).join(", ");
    option.dataset.labels = model.labels || "";
    select.append(option);
  }
  showModelInfo();

  const base = $("teach-base");
  const previous = base.value;
  const names = models.map((m) => m.name);
  const choice = names.includes(previous) ? previous : names.includes("demo") ? "demo"
    : (models.find((m) => m.defaultModel) || models[0] || {}).name;
  base.replaceChildren();
  for (const model of models) {
    const option = document.createElement("option");
    option.value = model.name;
    option.textContent = model.name + (model.labels ? ` (${model.labels} classes)` : "");
    option.selected = model.name === choice;
    base.append(option);
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
  resetExplanation(file);

  const model = encodeURIComponent($("model").value);
  // no more classes than the model has (a model taught here may have fewer than five)
  const labels = Number(($("model").selectedOptions[0] || { dataset: {} }).dataset.labels) || Infinity;
  const requested = $("top-k").value || "5";
  const topK = encodeURIComponent(Number(requested) > labels ? labels : requested);
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
    explanation.model = result.model;
    explanation.version = result.version;
    explain();
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

// Each class's label is a button that explains that class (turning Explain on).
function showPredictions(predictions) {
  const list = $("predictions");
  for (const p of predictions) {
    const percent = p.probability * 100;
    const item = barItem(p.label, percent, formatPercent(percent));
    item.dataset.index = p.index;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "prediction-label class-button";
    button.textContent = p.label;
    button.title = "Explain this class";
    button.setAttribute("aria-label", "Explain " + p.label);
    button.addEventListener("click", () => {
      $("explain").checked = true;
      explanation.target = p.index;
      explain();
    });
    item.querySelector(".prediction-label").replaceWith(button);
    list.append(item);
  }
}

// Explain: POST v1/models/{m}/versions/{v}/explain?format=png for the classified image, once: the PNG is the heat map
// drawn over the preprocessed image (the image as the model saw it: padded or cropped, so it is shown as the service
// draws it), and its X-Explain-* headers name the method and the target class (by default the top-1).
const explanation = { file: null, model: null, version: null, target: null, seq: 0 };

function resetExplanation(file) {
  explanation.file = file;
  explanation.model = null;
  explanation.version = null;
  explanation.target = null;
  clearExplanation();
}

function clearExplanation() {
  explanation.seq++; // an answer still on its way is dropped
  $("explain-status").textContent = "";
  $("explain-problem").hidden = true;
  $("explain-problem").replaceChildren();
  $("explanation-figure").hidden = true;
  markExplained(null);
}

async function explain() {
  if (!$("explain").checked || !explanation.file || !explanation.model) {
    return;
  }
  clearExplanation();
  const seq = explanation.seq;
  const file = explanation.file;
  const path = `v1/models/${encodeURIComponent(explanation.model)}/versions/` +
    `${encodeURIComponent(explanation.version)}/explain`;
  const params = new URLSearchParams();
  if (explanation.target !== null) {
    params.set("target", explanation.target);
  }
  if ($("explain-method").value) {
    params.set("method", $("explain-method").value);
  }
  params.set("format", "png");
  $("explain-status").textContent = "Explaining…";
  try {
    const response = await fetch(`${path}?${params}`, {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream", Accept: "image/png" },
      body: file,
    });
    if (!response.ok) {
      throw await problemOf(response);
    }
    const headers = response.headers;
    const described = {
      method: headers.get("X-Explain-Method"),
      target: {
        index: Number(headers.get("X-Explain-Target-Index")),
        label: decodeURIComponent(headers.get("X-Explain-Target-Label") || ""),
        probability: Number(headers.get("X-Explain-Target-Probability")),
      },
    };
    const png = await response.blob();
    if (seq !== explanation.seq) {
      return;
    }
    showExplanation(described, png);
  } catch (problem) {
    if (seq === explanation.seq) {
      $("explain-status").textContent = "";
      showProblem(networkProblem(problem), $("explain-problem"));
    }
  }
}

function showExplanation(described, png) {
  const image = $("explanation");
  if (image.src) {
    URL.revokeObjectURL(image.src);
  }
  image.src = URL.createObjectURL(png);
  const target = described.target;
  const percent = formatPercent(target.probability * 100);
  image.alt = `Heat map (${described.method}) of where the model found ${target.label}, over the image as it saw it`;
  const method = document.createElement("strong");
  method.id = "explanation-method";
  method.textContent = described.method;
  const label = document.createElement("strong");
  label.id = "explanation-target";
  label.textContent = target.label;
  const probability = document.createElement("span");
  probability.id = "explanation-probability";
  probability.textContent = percent;
  $("explanation-caption").replaceChildren(method, " for ", label, " (", probability, "). ",
    "Red: most evidence, blue: none; the image as the model saw it, with the scale below it.");
  $("explain-status").textContent = "";
  $("explanation-figure").hidden = false;
  markExplained(target.index);
}

// The explained class in the results list.
function markExplained(index) {
  for (const item of $("predictions").children) {
    const explained = index !== null && Number(item.dataset.index) === index;
    item.classList.toggle("explained", explained);
    if (explained) {
      item.setAttribute("aria-current", "true");
    } else {
      item.removeAttribute("aria-current");
    }
  }
}

// A list item: the label and its value above a bar filled to `percent`.
function barItem(labelText, percent, valueText) {
  const item = document.createElement("li");
  const head = document.createElement("div");
  head.className = "prediction-head";
  const label = document.createElement("span");
  label.className = "prediction-label";
  label.textContent = labelText;
  const value = document.createElement("span");
  value.className = "prediction-value";
  value.textContent = valueText;
  head.append(label, value);
  const bar = document.createElement("div");
  bar.className = "bar";
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-label", labelText);
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  bar.setAttribute("aria-valuenow", percent.toFixed(1));
  const fill = document.createElement("span");
  fill.style.width = Math.max(0, Math.min(100, percent)) + "%";
  bar.append(fill);
  item.append(head, bar);
  return item;
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

function showProblem(problem, box = $("problem")) {
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
  $("explain").addEventListener("change", () => ($("explain").checked ? explain() : clearExplanation()));
  $("explain-method").addEventListener("change", explain);
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
    if ($("classify-view").hidden) {
      return;
    }
    const item = [...event.clipboardData.items].find((i) => i.kind === "file");
    if (item) {
      classify(item.getAsFile());
    }
  });
  $("classify-form").addEventListener("submit", (event) => event.preventDefault());
}

// Views: Classify and Teach, as tabs; #teach opens the Teach view.
function wireViews() {
  const tabs = [$("tab-classify"), $("tab-teach")];
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showView(tab.id === "tab-teach" ? "teach" : "classify"));
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        const next = tabs[(i + 1) % tabs.length];
        showView(next.id === "tab-teach" ? "teach" : "classify");
        next.focus();
      }
    });
  });
  const fromHash = () => showView(location.hash === "#teach" ? "teach" : "classify");
  window.addEventListener("hashchange", fromHash);
  fromHash();
}

function showView(view) {
  const teach = view === "teach";
  $("tab-classify").setAttribute("aria-selected", String(!teach));
  $("tab-teach").setAttribute("aria-selected", String(teach));
  $("tab-classify").tabIndex = teach ? -1 : 0;
  $("tab-teach").tabIndex = teach ? 0 : -1;
  $("classify-view").hidden = teach;
  $("teach-view").hidden = !teach;
  history.replaceState(null, "", teach ? "#teach" : location.pathname + location.search);
}

// Teach: classes of images (or a zip) -> POST v1/models/{base}/fine-tune -> poll v1/jobs/{id} -> results -> try it.
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_THUMBNAILS = 12;
const teach = { files: new Map(), classes: 0, job: null, timer: null };

function wireTeach() {
  $("add-class").addEventListener("click", () => addClass().querySelector(".class-name").focus());
  $("teach-form").addEventListener("submit", (event) => {
    event.preventDefault();
    train();
  });
  $("cancel-training").addEventListener("click", cancelTraining);
  $("try-model").addEventListener("click", tryModel);
  addClass();
  addClass();
}

function addClass() {
  const n = ++teach.classes;
  const item = document.createElement("li");
  item.className = "teach-class";

  const nameField = document.createElement("div");
  nameField.className = "field";
  const nameLabel = document.createElement("label");
  nameLabel.htmlFor = `class-name-${n}`;
  nameLabel.textContent = `Class ${n}`;
  const name = document.createElement("input");
  name.id = `class-name-${n}`;
  name.className = "class-name";
  name.type = "text";
  name.maxLength = 64;
  name.autocomplete = "off";
  name.placeholder = "its name, e.g. heart";
  nameField.append(nameLabel, name);

  const zone = document.createElement("div");
  zone.className = "drop-zone class-drop";
  const prompt = document.createElement("p");
  prompt.textContent = "Drop images here or";
  const choose = document.createElement("label");
  choose.className = "button";
  choose.htmlFor = `class-files-${n}`;
  choose.textContent = "Choose images…";
  const files = document.createElement("input");
  files.id = `class-files-${n}`;
  files.className = "class-files visually-hidden";
  files.type = "file";
  files.accept = "image/*";
  files.multiple = true;
  const count = document.createElement("p");
  count.className = "hint class-count";
  count.setAttribute("aria-live", "polite");
  const thumbs = document.createElement("ul");
  thumbs.className = "thumbs";
  zone.append(prompt, choose, files, count, thumbs);

  const actions = document.createElement("div");
  actions.className = "class-actions";
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "secondary";
  clear.textContent = "Clear images";
  clear.setAttribute("aria-label", `Clear the images of class ${n}`);
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "secondary";
  remove.textContent = "Remove class";
  remove.setAttribute("aria-label", `Remove class ${n}`);
  actions.append(clear, remove);

  item.append(nameField, zone, actions);
  teach.files.set(item, []);
  $("classes").append(item);
  showClassImages(item);

  files.addEventListener("change", () => {
    addImages(item, files.files);
    files.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    addImages(item, event.dataTransfer.files);
  });
  clear.addEventListener("click", () => {
    teach.files.set(item, []);
    showClassImages(item);
  });
  remove.addEventListener("click", () => {
    teach.files.delete(item);
    revokeThumbnails(item);
    item.remove();
    $("add-class").focus();
  });
  return item;
}

// Adds images to a class; a file it already has (same name, size and time) is not added twice.
function addImages(item, fileList) {
  const all = [...fileList];
  const images = all.filter((file) => !file.type || file.type.startsWith("image/"));
  const list = teach.files.get(item);
  const key = (file) => `${file.name}\n${file.size}\n${file.lastModified}`;
  const have = new Set(list.map(key));
  for (const file of images) {
    if (!have.has(key(file))) {
      have.add(key(file));
      list.push(file);
    }
  }
  showClassImages(item, all.length - images.length);
}

function showClassImages(item, leftOut = 0) {
  const files = teach.files.get(item);
  const count = item.querySelector(".class-count");
  count.textContent = (files.length === 0 ? "No images yet" : files.length === 1 ? "1 image" : `${files.length} images`) +
    (leftOut ? ` (${leftOut} ${leftOut === 1 ? "file that is not an image" : "files that are not images"} left out)` : "");
  revokeThumbnails(item);
  const thumbs = item.querySelector(".thumbs");
  thumbs.replaceChildren();
  for (const file of files.slice(0, MAX_THUMBNAILS)) {
    const thumb = document.createElement("li");
    const img = document.createElement("img");
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    img.title = file.name;
    thumb.append(img);
    thumbs.append(thumb);
  }
  if (files.length > MAX_THUMBNAILS) {
    const more = document.createElement("li");
    more.className = "hint";
    more.textContent = `+${files.length - MAX_THUMBNAILS}`;
    thumbs.append(more);
  }
}

function revokeThumbnails(item) {
  item.querySelectorAll(".thumbs img").forEach((img) => URL.revokeObjectURL(img.src));
}

// The multipart request: the fields, every class's images as parts `images` named <class>/<file>, the zip as `dataset`.
function trainingRequest() {
  const name = $("teach-name").value.trim();
  if (!MODEL_NAME.test(name)) {
    throw { title: "Name the new model", detail: "Letters, digits, '_', '.' and '-', at most 64, starting with a " +
      "letter or digit.", focus: $("teach-name") };
  }
  const form = new FormData();
  form.append("name", name);
  form.append("mode", $("teach-mode").value);
  for (const [field, id] of [["epochs", "teach-epochs"], ["validationSplit", "teach-split"],
    ["augmentation", "teach-augmentation"], ["inputSize", "teach-input-size"]]) {
    const value = $(id).value.trim();
    if (value) {
      form.append(field, value);
    }
  }
  if ($("teach-test-views").checked) {
    form.append("testViews", "true");
  }
  const labels = new Set();
  let images = 0;
  for (const [item, files] of teach.files) {
    const input = item.querySelector(".class-name");
    const label = input.value.trim();
    if (files.length === 0) {
      continue;
    }
    if (!label) {
      throw { title: "Name every class", detail: `${input.labels[0].textContent} has images but no name.`,
        focus: input };
    }
    if (labels.has(label)) {
      throw { title: "Two classes have one name", detail: `More than one class is called '${label}'.`, focus: input };
    }
    labels.add(label);
    files.forEach((file, i) => form.append("images", file, `${label}/${i + 1}-${file.name}`));
    images += files.length;
  }
  const zip = $("teach-zip").files[0];
  if (zip) {
    form.append("dataset", zip, zip.name);
  } else if (images === 0) {
    throw { title: "No images yet", detail: "Add images to at least two classes, or choose a zip.",
      focus: $("class-files-1") || $("teach-zip") };
  }
  return form;
}

async function train() {
  stopPolling();
  teach.job = null;
  $("training").hidden = false;
  $("training-result").hidden = true;
  $("teach-problem").hidden = true;
  $("try-status").textContent = "";
  showTrainingProgress(null, 0);
  let form;
  try {
    form = trainingRequest();
  } catch (problem) {
    $("training-status").textContent = "";
    showProblem(problem, $("teach-problem"));
    if (problem.focus) {
      problem.focus.focus();
    }
    return;
  }
  $("train").disabled = true;
  $("training-status").textContent = "Uploading the images…";
  try {
    const base = encodeURIComponent($("teach-base").value);
    const response = await fetch(`v1/models/${base}/fine-tune`, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: form,
    });
    if (!response.ok) {
      throw await problemOf(response);
    }
    showJob(await response.json());
  } catch (problem) {
    setRunning(false);
    $("training-status").textContent = "Not started.";
    showProblem(networkProblem(problem), $("teach-problem"));
  }
}

async function pollJob() {
  try {
    const response = await fetch("v1/jobs/" + encodeURIComponent(teach.job.id),
      { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw await problemOf(response);
    }
    showJob(await response.json());
  } catch (problem) {
    setRunning(false);
    showProblem(networkProblem(problem), $("teach-problem"));
  }
}

function showJob(job) {
  teach.job = job;
  const p = job.progress || {};
  const status = $("training-status");
  switch (job.state) {
    case "QUEUED":
      status.textContent = "Queued behind another training job…";
      showTrainingProgress(null, 0);
      break;
    case "RUNNING":
      if (p.phase === "training") {
        status.textContent = `Training: epoch ${p.epoch} of ${p.epochs}`;
        showTrainingProgress("training", p.epochs ? 100 * p.epoch / p.epochs : 0);
      } else {
        status.textContent = `Embedding the images: ${p.done} of ${p.total}`;
        showTrainingProgress("embedding", p.total ? 100 * p.done / p.total : 0);
      }
      break;
    case "SUCCEEDED":
      status.textContent = `Trained ${job.name} (version ${job.version}) from ${job.base}` +
        (job.metrics ? ` in ${job.metrics.seconds.toFixed(1)} s.` : ".");
      showTrainingProgress("done", 100);
      showMetrics(job);
      break;
    case "FAILED":
      status.textContent = "Training failed.";
      showProblem({ title: "Training failed", detail: job.error || "" }, $("teach-problem"));
      break;
    case "CANCELLED":
      status.textContent = "Cancelled: no model was made.";
      break;
    default:
      status.textContent = job.state;
  }
  const running = job.state === "QUEUED" || job.state === "RUNNING";
  setRunning(running);
  if (running) {
    teach.timer = setTimeout(pollJob, 400);
  }
}

function showTrainingProgress(phase, percent) {
  const bar = $("training-progress");
  bar.dataset.phase = phase || "";
  bar.setAttribute("aria-valuenow", percent.toFixed(0));
  bar.firstElementChild.style.width = Math.max(0, Math.min(100, percent)) + "%";
}

function setRunning(running) {
  $("train").disabled = running;
  $("cancel-training").hidden = !running;
  $("cancel-training").disabled = false;
  if (!running) {
    stopPolling();
  }
}

function stopPolling() {
  clearTimeout(teach.timer);
  teach.timer = null;
}

async function cancelTraining() {
  if (!teach.job) {
    return;
  }
  $("cancel-training").disabled = true;
  $("training-status").textContent = "Cancelling…";
  try {
    const response = await fetch("v1/jobs/" + encodeURIComponent(teach.job.id),
      { method: "DELETE", headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw await problemOf(response);
    }
  } catch (problem) {
    showProblem(networkProblem(problem), $("teach-problem"));
  }
}

function showMetrics(job) {
  const m = job.metrics;
  if (!m) {
    return;
  }
  const percent = (value) => (100 * value).toFixed(1) + " %";
  const summary = [`${m.images} images (${m.trainingImages} to train on, ${m.validationImages} held out` +
    (m.skipped ? `, ${m.skipped} skipped: not images` : "") + ").",
  `Training accuracy ${percent(m.trainAccuracy)}` + (m.validationAccuracy == null ? "."
    : `, held-out accuracy ${percent(m.validationAccuracy)}.`)];
  $("training-summary").textContent = summary.join(" ");

  const perClass = $("per-class");
  perClass.replaceChildren();
  for (const label of m.classes) {
    const accuracy = m.perClass[label];
    perClass.append(accuracy == null ? barItem(label, 0, "none held out")
      : barItem(label, 100 * accuracy, percent(accuracy)));
  }

  const table = $("confusion");
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = "true \\ answered";
  head.append(corner);
  for (const label of m.classes) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    head.append(th);
  }
  const body = table.createTBody();
  m.confusion.forEach((counts, row) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = m.classes[row];
    tr.append(th);
    counts.forEach((count, column) => {
      const cell = tr.insertCell();
      cell.textContent = count;
      cell.className = row === column ? "hit" : count > 0 ? "miss" : "";
    });
  });
  $("try-model").disabled = false;
  $("training-result").hidden = false;
}

// Try it: wait until the new model (this version) is ready, then classify with it in the classify view.
async function tryModel() {
  const job = teach.job;
  const status = $("try-status");
  $("try-model").disabled = true;
  status.textContent = `Loading ${job.name}…`;
  try {
    for (let waited = 0; ; waited += 500) {
      const response = await fetch("v1/models/" + encodeURIComponent(job.name),
        { headers: { Accept: "application/json" } });
      const model = response.ok ? await response.json() : null;
      if (model && model.version === job.version && model.state === "READY") {
        break;
      }
      if (model && model.version === job.version && model.state === "FAILED") {
        throw { title: `${job.name} failed to load`, detail: model.error || "" };
      }
      if (waited >= 120000) {
        throw response.ok ? { title: `${job.name} is not ready yet`, detail: "Try again in a moment." }
          : await problemOf(response);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    showModels(await fetchModels(), job.name);
    status.textContent = "";
    clearResult();
    $("result").hidden = true;
    showView("classify");
    $("model").focus();
  } catch (problem) {
    status.textContent = "";
    showProblem(networkProblem(problem), $("teach-problem"));
  } finally {
    $("try-model").disabled = false;
  }
}

// A problem object for what fetch threw itself (the service unreachable), else the problem as it is.
function networkProblem(problem) {
  return problem instanceof Error ? { title: "The service did not answer", detail: problem.message } : problem;
}

wireInputs();
wireViews();
wireTeach();
loadModels();
