// Asks the backend (same origin, under /api) whether it is there.
fetch("api/ping")
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
  .then((answer) => { document.getElementById("status").textContent = "API says: " + answer; })
  .catch((err) => { document.getElementById("status").textContent = "API unreachable: " + err.message; });
