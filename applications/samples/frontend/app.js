// The page lists the API's items and creates them through a form. The API is
// on the same origin under api/ (a relative URL, so that the page also works
// behind a path prefix). An invalid request is answered 400 with an RFC 9457
// problem whose errors name each field; they are shown next to the field.
"use strict";

const list = document.getElementById("items");
const statusLine = document.getElementById("status");
const form = document.getElementById("new-item");
const formError = document.getElementById("form-error");
// The inputs whose errors show beside them, by the API's field name.
const fields = { name: "name", tags: "tags" };

// describe says what went wrong with an answer that is not OK: the
// problem's detail or title, else the status.
async function describe(res) {
  try {
    const p = await res.json();
    if (p && (p.detail || p.title)) return p.detail || p.title;
  } catch (_) { /* not JSON */ }
  return res.status + " " + res.statusText;
}

function itemElement(item) {
  const li = document.createElement("li");
  li.dataset.id = item.id;
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = item.name; // text, never HTML: names come from users
  li.append(name);
  for (const t of item.tags || []) {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = t;
    li.append(" ", tag);
  }
  return li;
}

async function load() {
  try {
    const res = await fetch("api/items?limit=100", { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(await describe(res));
    const page = await res.json();
    list.replaceChildren(...page.items.map(itemElement));
    statusLine.textContent = page.total === 0 ? "No items yet." : page.total + (page.total === 1 ? " item" : " items");
  } catch (err) {
    statusLine.textContent = "Could not load the items: " + err.message;
  }
}

function clearErrors() {
  for (const id of Object.values(fields)) {
    document.getElementById(id + "-error").textContent = "";
    document.getElementById(id).removeAttribute("aria-invalid");
  }
  formError.textContent = "";
}

// showProblem puts each field error of a 400 problem beside its input
// (tags[2] beside tags, quoting the tag), and the rest above the button.
function showProblem(problem, tags) {
  const rest = [];
  for (const e of problem.errors || []) {
    const m = /^([A-Za-z_]+)(?:\[(\d+)\])?/.exec(e.field || "");
    const id = m && fields[m[1]];
    if (!id) {
      rest.push((e.field ? e.field + ": " : "") + e.detail);
      continue;
    }
    const text = m[2] !== undefined ? "“" + tags[Number(m[2])] + "”: " + e.detail : e.detail;
    const out = document.getElementById(id + "-error");
    out.textContent = out.textContent ? out.textContent + "; " + text : text;
    document.getElementById(id).setAttribute("aria-invalid", "true");
  }
  formError.textContent = rest.length === 0 && problem.errors && problem.errors.length > 0
    ? "Not created: correct the fields marked above."
    : [problem.detail || problem.title || "The item is invalid.", ...rest].join(" ");
}

async function create(ev) {
  ev.preventDefault();
  clearErrors();
  const tags = form.elements.tags.value.split(",").map((t) => t.trim()).filter((t) => t !== "");
  const body = { name: form.elements.name.value };
  if (tags.length > 0) body.tags = tags;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const res = await fetch("api/items", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status === 400) {
      let problem;
      try { problem = await res.json(); } catch (_) { problem = { title: "The item is invalid." }; }
      showProblem(problem, tags);
      return;
    }
    if (!res.ok) throw new Error(await describe(res));
    form.reset();
    await load();
  } catch (err) {
    formError.textContent = "Could not create the item: " + err.message;
  } finally {
    button.disabled = false;
  }
}

// Without the API (the webapp template alone), the page has no list.
if (form && list) {
  form.addEventListener("submit", create);
  load();
}
