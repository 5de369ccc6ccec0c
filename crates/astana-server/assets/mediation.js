// The live mediation pages: /mediations/new (the mediator's form) and /m/{id} (one page for
// the mediator and every party). A static file: the Content-Security-Policy forbids inline
// script. Every piece of text from the server (party ids, issue and option names) goes into
// the page as text (textContent), never as markup.
//
// The capability token arrives in the address's fragment (#token=…), which browsers never
// send to a server. It is moved to sessionStorage (this tab only), removed from the address
// bar, and sent as `Authorization: Bearer` on every API call. The view follows
// /api/mediations/{id}/events (Server-Sent Events) over fetch with a streamed body, because
// EventSource cannot send an Authorization header (and a token in the query would land in
// logs and history).
"use strict";
(function () {
  // ---- small helpers -------------------------------------------------------------------
  /** An element with attributes (on* = listeners) and children (strings become text). */
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "class") e.className = v;
      else if (k === "value" || k === "checked" || k === "disabled" || k === "hidden") e[k] = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of kids.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fmt = (x) => (typeof x === "number" && isFinite(x) ? x.toFixed(3) : "–");
  const meter = (x) =>
    h("span", { class: "meter", role: "img", "aria-label": "utility " + fmt(x) },
      h("span", { "data-w": String(Math.max(0, Math.min(1, x || 0))) }));
  // Widths set through the CSSOM (allowed by the CSP, unlike style attributes).
  function sizeMeters(root) {
    for (const s of root.querySelectorAll("span[data-w]")) s.style.width = Number(s.dataset.w) * 100 + "%";
  }

  /** An RFC 9457 problem as a readable box: title, detail, every located message. */
  function problemBox(p) {
    p = p || {};
    const items = (p.errors || []).map((e) => {
      let at = e.file || "";
      if (e.line) at += ":" + e.line + (e.column ? ":" + e.column : "");
      return h("li", null, h("code", null, at), e.field ? [" ", h("b", null, e.field), ":"] : ":", " ", e.message || "");
    });
    return h("div", { class: "error" },
      h("h2", null, (p.title || "Error") + (p.status ? " (" + p.status + ")" : "")),
      p.detail ? h("p", null, p.detail) : null,
      items.length ? h("ul", null, items) : null);
  }
  function showProblem(box, err) {
    box.replaceChildren(err && err.problem ? problemBox(err.problem)
      : problemBox({ title: "The server could not be reached", detail: String(err && err.message || err) }));
    box.scrollIntoView({ block: "nearest" });
  }

  async function send(url, method, token, body, type) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    const opt = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = type || "application/json";
      opt.body = type && type !== "application/json" ? body : JSON.stringify(body);
    }
    const r = await fetch(url, opt);
    const text = await r.text();
    let doc = null;
    try { doc = text ? JSON.parse(text) : null; } catch (_) { doc = null; }
    if (!r.ok) {
      const e = new Error("HTTP " + r.status);
      e.problem = doc || { title: r.statusText || "Error", status: r.status, detail: text };
      throw e;
    }
    return doc;
  }

  // ---- /mediations/new -----------------------------------------------------------------
  function initCreate(form) {
    const box = $("create-problem");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      box.replaceChildren();
      const f = form.elements;
      const body = {
        domain: f.domain.value,
        parties: f.parties.value.split(",").map((s) => s.trim()).filter(Boolean),
        protocol: f.protocol.value,
        rounds: Number(f.rounds.value),
        post_settlement: f.post_settlement.checked,
      };
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const made = await send("/api/mediations", "POST", null, body);
        showInvitations(made);
        form.hidden = true;
      } catch (e) {
        showProblem(box, e);
      } finally {
        button.disabled = false;
      }
    });
  }

  function copyButton(input, label) {
    return h("button", {
      type: "button", class: "small", "aria-label": label,
      onclick: async (ev) => {
        const b = ev.currentTarget;
        try { await navigator.clipboard.writeText(input.value); } catch (_) {
          input.select(); document.execCommand("copy");
        }
        b.textContent = "Copied";
        setTimeout(() => { b.textContent = "Copy"; }, 1500);
      },
    }, "Copy");
  }

  function showInvitations(made) {
    const list = $("invitation-list");
    const abs = (u) => new URL(u, location.origin).href;
    const mine = abs("/m/" + encodeURIComponent(made.id) + "#token=" + made.mediator_token);
    const rows = [];
    const mineInput = h("input", { type: "text", readonly: true, value: mine, id: "invite-mediator", "aria-label": "Your mediator link" });
    rows.push(h("div", { class: "invite" }, h("span", { class: "who" }, "You (mediator)"), mineInput,
      copyButton(mineInput, "Copy your mediator link"),
      h("a", { href: mine, id: "open-mediator" }, "Open your mediator page")));
    for (const p of made.parties || []) {
      const input = h("input", { type: "text", readonly: true, value: abs(p.url), class: "invitation", "data-party": p.party, "aria-label": "Invitation link for " + p.party });
      rows.push(h("div", { class: "invite" }, h("span", { class: "who" }, p.party), input, copyButton(input, "Copy the invitation for " + p.party)));
    }
    list.replaceChildren(...rows);
    const sec = $("invitations");
    sec.hidden = false;
    $("inv-h").focus();
  }

  // ---- /m/{id} ---------------------------------------------------------------------------
  function initMediation(root) {
    const api = root.dataset.api;
    const key = "astana-mediation:" + root.dataset.id;
    const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(key, decodeURIComponent(m[1]));
      // The key leaves the address bar (and so screenshots, shoulder-surfing, history).
      history.replaceState(null, "", location.pathname + location.search);
    }
    const token = sessionStorage.getItem(key);
    const status = $("m-status");
    const problem = $("m-problem");
    if (!token) {
      status.textContent = "Open this page with your invitation link (it ends in #token=…). The key is kept in this browser tab only.";
      return;
    }
    const call = (method, path, body, type) => send(api + path, method, token, body, type);
    const ui = new MediationUi(root, call, problem, status);
    ui.start();
  }

  const PHASES = {
    profiles: "waiting for the parties' profiles",
    proposals: "parties post their proposals",
    responses: "parties answer",
    ratify: "parties ratify the final text",
    post_settlement: "an improvement on the agreement is offered",
    done: "finished",
  };
  const STATUS = {
    waiting_profiles: "waiting for profiles",
    running: "running",
    agreed: "agreed",
    no_agreement: "no agreement",
  };

  class MediationUi {
    constructor(root, call, problem, status) {
      this.root = root;
      this.call = call;
      this.problem = problem;
      this.status = status;
      this.view = null;
      this.keys = {};
      this.draft = { ticks: {}, proposal: {} };
      this.elicit = null;
    }

    async start() {
      await this.refresh();
      this.follow();
    }

    async refresh() {
      try {
        this.render(await this.call("GET", ""));
      } catch (e) {
        if (e.problem && (e.problem.status === 404 || e.problem.status === 401)) {
          this.status.textContent = "This invitation is not valid (wrong or expired link).";
        }
        showProblem(this.problem, e);
      }
    }

    /** Follows the view's Server-Sent Events; reconnects (and re-reads the view) on a drop. */
    async follow() {
      let wait = 500;
      for (;;) {
        // The server sends a keep-alive comment every 15 s: 45 s of silence is a dead
        // connection (a sleeping laptop, a proxy), so drop it and reconnect.
        const ctl = new AbortController();
        let quiet = null;
        const alive = () => { clearTimeout(quiet); quiet = setTimeout(() => ctl.abort(), 45000); };
        try {
          alive();
          const r = await fetch(this.root.dataset.api + "/events", {
            headers: { Authorization: "Bearer " + sessionStorage.getItem("astana-mediation:" + this.root.dataset.id), Accept: "text/event-stream" },
            cache: "no-store",
            signal: ctl.signal,
          });
          if (r.status === 401 || r.status === 404) { clearTimeout(quiet); return; }
          if (!r.ok || !r.body) throw new Error("HTTP " + r.status);
          wait = 500;
          const reader = r.body.getReader();
          const dec = new TextDecoder();
          let buf = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            alive();
            buf += dec.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
            let i;
            while ((i = buf.indexOf("\n\n")) >= 0) {
              this.event(buf.slice(0, i));
              buf = buf.slice(i + 2);
            }
          }
        } catch (_) { /* reconnect below */ }
        clearTimeout(quiet);
        if (this.view && this.view.phase === "done") return;
        await sleep(wait);
        wait = Math.min(wait * 2, 10000);
        await this.refresh();
      }
    }

    event(block) {
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if ((name === "view" || name === "message") && data.length) {
        try { this.render(JSON.parse(data.join("\n"))); } catch (_) { /* not a view */ }
      }
    }

    /** Rebuilds `id`'s content only when `key` changed (keeps focus and half-typed input). */
    patch(id, key, build) {
      let el = $(id);
      if (!el) {
        el = h("div", { id });
        $("m-view").append(el);
      }
      if (this.keys[id] === key) return;
      this.keys[id] = key;
      el.replaceChildren(...[build()].flat().filter(Boolean));
      sizeMeters(el);
    }

    render(v) {
      if (!v || typeof v !== "object") return;
      // A GET's answer can arrive after a newer view from the stream: never step back.
      if (this.view && typeof this.view.seq === "number" && typeof v.seq === "number" && v.seq < this.view.seq) return;
      this.view = v;
      this.problem.replaceChildren();
      const party = typeof v.you === "string";
      const who = party ? "You are party " + v.you + "." : "You are the mediator.";
      this.status.textContent = who + " Status: " + (STATUS[v.status] || v.status) +
        (v.status === "running" ? " · round " + v.round + " of " + v.rounds + " · " + (PHASES[v.phase] || v.phase) : "") + ".";
      this.patch("m-head", JSON.stringify([v.name, v.protocol, v.rounds, v.you]), () => [
        h("h2", null, v.name || "Mediation"),
        h("p", null, v.protocol === "blind-bidding" ? "Blind bidding: parties post visible proposals; the system suggests efficient packages between them; each party secretly ticks the suggestions it accepts."
          : "Single negotiating text: each round the system proposes a revision of the text; each party secretly accepts or rejects it.",
        " Deadline: " + v.rounds + " round" + (v.rounds === 1 ? "" : "s") + ". ",
        party ? "Your preferences and answers are seen by nobody but you." : "You see who has answered, never how, and no party's preferences."),
      ]);
      this.patch("m-parties", JSON.stringify([v.parties, v.phase, v.round]), () => this.partiesTable(v));
      this.patch("m-act", JSON.stringify([v.status, v.phase, v.round, v.parties, v.text, v.revision, v.proposals, v.suggestions,
        v.agreement, v.improvement, v.utilities, mine(v)]), () => this.action(v, party));
      this.patch("m-history", JSON.stringify(v.history || null), () => history_(v));
      this.elicitation(v, party);
    }

    partiesTable(v) {
      const rows = (v.parties || []).map((p) => h("tr", null,
        h("td", null, p.party + (p.party === v.you ? " (you)" : "")),
        h("td", null, p.profile_in ? "in" : "not yet"),
        h("td", null, v.status === "running" || v.phase === "post_settlement" || v.phase === "ratify" ? (p.responded ? "answered" : "waiting") : "–")));
      return h("table", { class: "pkg" }, h("caption", null, "Parties"),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Party"), h("th", { scope: "col" }, "Profile"), h("th", { scope: "col" }, "This round"))),
        h("tbody", null, rows));
    }

    async act(fn, button) {
      this.problem.replaceChildren();
      if (button) button.disabled = true;
      try {
        await fn();
        await this.refresh();
      } catch (e) {
        showProblem(this.problem, e);
        if (button) button.disabled = false;
      }
    }

    action(v, party) {
      const u = v.utilities || {};
      const out = [];
      const issues = v.issues || [];
      if (v.agreement) {
        out.push(h("div", { class: "agreed", id: "m-agreement", role: "status" },
          h("h2", null, v.phase === "post_settlement" ? "Agreement reached (an improvement is on offer)" : "Agreement"),
          pkgTable(issues, [["Agreed package", v.agreement]]),
          party && typeof u.agreement === "number" ? h("p", null, "Your utility: ", fmt(u.agreement), " ", meter(u.agreement)) : null));
      }
      if (v.status === "no_agreement") {
        out.push(h("div", { class: "card", role: "status", id: "m-none" }, h("h2", null, "No agreement"),
          h("p", null, "The deadline passed (or the final text was not ratified) without an agreement.")));
      }
      if (v.status === "waiting_profiles") {
        const missing = (v.parties || []).filter((p) => !p.profile_in).map((p) => p.party);
        if (!party) {
          const b = h("button", { type: "button", id: "m-start", disabled: missing.length > 0, onclick: (ev) => this.act(() => this.call("POST", "/start"), ev.currentTarget) }, "Start the mediation");
          out.push(h("div", { class: "card" }, h("h2", null, "Waiting for the profiles"),
            h("p", null, missing.length ? "Still missing: " + missing.join(", ") + ". Start becomes possible when every party's profile is in." : "Every profile is in: you can start."), b));
        }
        return out;
      }
      const single = v.protocol !== "blind-bidding";
      const ansd = mine(v);
      if (v.phase === "responses" && single && v.revision) {
        const changed = new Set(v.revision.changed || []);
        out.push(h("div", { class: "card" }, h("h2", null, "Round " + v.round + ": the proposed revision"),
          pkgTable(issues, [["Current text", v.text], ["Revision", pkgOf(v.revision)]], changed),
          party ? utilLine([["current text", u.text], ["revision", u.revision], ["your reservation", u.reservation]]) : null,
          party ? this.yesNo(v, ansd, "Accept the revision", "Reject it") : null));
      } else if (v.phase === "ratify") {
        out.push(h("div", { class: "card" }, h("h2", null, "Ratify the final text"),
          pkgTable(issues, [["Final text", v.text]]),
          party ? utilLine([["final text", u.text], ["your reservation", u.reservation]]) : null,
          party ? this.yesNo(v, ansd, "Ratify the text", "Reject it") : null));
      } else if (v.phase === "post_settlement" && v.improvement) {
        out.push(h("div", { class: "card" }, h("h2", null, "An improvement every party may prefer"),
          pkgTable(issues, [["Agreement", v.agreement], ["Improvement", v.improvement]]),
          party ? utilLine([["agreement", u.agreement], ["improvement", u.improvement]]) : null,
          party ? this.yesNo(v, ansd, "Accept the improvement", "Keep the agreement") : null));
      } else if (v.phase === "proposals" && !single) {
        out.push(h("div", { class: "card" }, h("h2", null, "Round " + v.round + ": proposals"),
          proposalsTable(issues, v.proposals),
          party ? (ansd ? h("p", null, "Your proposal is posted; waiting for the others.") : this.proposalForm(v)) : null));
      } else if (v.phase === "responses" && !single) {
        out.push(h("div", { class: "card" }, h("h2", null, "Round " + v.round + ": suggestions"),
          proposalsTable(issues, v.proposals),
          party ? this.tickForm(v, ansd) : suggestionsTable(issues, v.suggestions)));
      } else if (v.status === "running" && single && v.text) {
        out.push(h("div", { class: "card" }, h("h2", null, "Current text"), pkgTable(issues, [["Text", v.text]])));
      }
      return out;
    }

    yesNo(v, answered, yes, no) {
      if (answered) return h("p", { class: "muted" }, "You have answered this round; waiting for the others.");
      const answer = (accept) => (ev) => this.act(() => this.call("POST", "/responses", { round: v.round, accept }), ev.currentTarget);
      return h("div", { class: "actions" },
        h("button", { type: "button", class: "accept", onclick: answer(true) }, yes),
        h("button", { type: "button", class: "reject", onclick: answer(false) }, no));
    }

    proposalForm(v) {
      const draft = (this.draft.proposal[v.round] = this.draft.proposal[v.round] || {});
      const fields = (v.issues || []).map((iss, i) => {
        const id = "prop-" + i;
        const sel = h("select", { id, "data-issue": iss.name, onchange: (ev) => { draft[iss.name] = ev.currentTarget.value; } },
          iss.options.map((o) => h("option", { value: o }, o)));
        if (draft[iss.name]) sel.value = draft[iss.name];
        return h("label", { for: id }, iss.name, sel);
      });
      const form = h("form", { class: "controls", id: "proposal-form" }, fields, h("button", { type: "submit" }, "Post my proposal"));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const package_ = {};
        for (const s of form.querySelectorAll("select")) package_[s.dataset.issue] = s.value;
        this.act(() => this.call("POST", "/proposals", { round: v.round, package: package_ }), form.querySelector("button"));
      });
      return [h("p", null, "Your proposal is visible to everyone (the mediator and the other parties)."), form];
    }

    tickForm(v, answered) {
      const u = v.utilities || {};
      const su = u.suggestions || {};
      const ticks = (this.draft.ticks[v.round] = this.draft.ticks[v.round] || new Set());
      const sug = v.suggestions || [];
      const rows = sug.map((s) => {
        const id = "tick-" + s.id;
        const box = h("input", { type: "checkbox", id, value: s.id, checked: ticks.has(s.id), disabled: answered,
          onchange: (ev) => { if (ev.currentTarget.checked) ticks.add(s.id); else ticks.delete(s.id); } });
        const util = typeof su[s.id] === "number" ? su[s.id] : undefined;
        return h("div", { class: "tick" }, box, h("label", { for: id }, h("b", null, s.id), " · your utility " + fmt(util) + " ",
          meter(util), " · ", pkgLine(v.issues || [], s.package)));
      });
      const form = h("form", { id: "tick-form" }, h("p", null, "Tick every suggestion you would accept. Nobody sees your ticks; an agreement is declared when the accepted sets overlap."),
        rows, answered ? h("p", { class: "muted" }, "You have answered this round; waiting for the others.")
          : h("button", { type: "submit" }, "Send my acceptances"),
        typeof u.reservation === "number" ? h("p", { class: "small" }, "Your reservation value: " + fmt(u.reservation)) : null);
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const accept = sug.map((s) => s.id).filter((id) => ticks.has(id));
        this.act(() => this.call("POST", "/responses", { round: v.round, accept }), form.querySelector("button"));
      });
      return form;
    }

    // ---- elicitation (a party, before the start) -----------------------------------------
    elicitation(v, party) {
      const host = $("m-elicit");
      if (!party || v.status !== "waiting_profiles") {
        host.replaceChildren();
        this.elicit = null;
        return;
      }
      const me = (v.parties || []).find((p) => p.party === v.you);
      const note = $("elicit-note");
      if (this.elicit) {
        noteIn(note, me);
        return;
      }
      this.elicit = new Elicitation(v, (body, type) =>
        this.act(() => this.call("PUT", "/profile", body, type)));
      host.replaceChildren(this.elicit.build());
      noteIn($("elicit-note"), me);
      sizeMeters(host);
    }
  }

  function noteIn(note, me) {
    if (!note) return;
    note.textContent = me && me.profile_in ? "Your profile is in. You may change it and send it again until the mediator starts." : "";
    note.hidden = !note.textContent;
  }

  function mine(v) {
    if (typeof v.you !== "string") return false;
    const me = (v.parties || []).find((p) => p.party === v.you);
    return !!(me && me.responded);
  }

  /** A revision may be a package or {package|text: {...}, changed: [...]}. */
  function pkgOf(r) {
    if (!r) return null;
    if (r.package && typeof r.package === "object") return r.package;
    if (r.text && typeof r.text === "object") return r.text;
    const p = {};
    for (const [k, x] of Object.entries(r)) if (typeof x === "string") p[k] = x;
    return p;
  }

  function pkgTable(issues, cols, changed) {
    return h("div", { class: "wide" }, h("table", { class: "pkg" },
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Issue"), cols.map(([l]) => h("th", { scope: "col" }, l)))),
      h("tbody", null, issues.map((iss) => h("tr", { class: changed && changed.has(iss.name) ? "changed" : null },
        h("th", { scope: "row" }, iss.name + (changed && changed.has(iss.name) ? " (changed)" : "")),
        cols.map(([, p]) => h("td", null, p && p[iss.name] !== undefined ? p[iss.name] : "–")))))));
  }
  function pkgLine(issues, p) {
    return issues.map((iss) => iss.name + ": " + (p && p[iss.name] !== undefined ? p[iss.name] : "–")).join("; ");
  }
  function proposalsTable(issues, proposals) {
    const cols = Object.entries(proposals || {}).map(([party, p]) => [party, p]);
    if (!cols.length) return h("p", { class: "muted" }, "No proposal posted yet this round.");
    return pkgTable(issues, cols);
  }
  function suggestionsTable(issues, sug) {
    if (!sug || !sug.length) return h("p", { class: "muted" }, "No suggestions yet.");
    return pkgTable(issues, sug.map((s) => [s.id, s.package]));
  }
  function utilLine(pairs) {
    return h("p", null, "Your utilities (yours only): ",
      pairs.filter(([, x]) => typeof x === "number").map(([l, x], i) => [i ? " · " : "", l + " " + fmt(x) + " ", meter(x)]));
  }
  function history_(v) {
    const hs = v.history || [];
    if (!hs.length) return null;
    return h("details", null, h("summary", null, "History (" + hs.length + " round" + (hs.length === 1 ? "" : "s") + ")"),
      h("ol", null, hs.map((r) => h("li", null, describe(r)))));
  }
  function describe(r) {
    if (!r || typeof r !== "object") return String(r);
    const parts = [];
    for (const [k, x] of Object.entries(r)) {
      if (k === "round") continue;
      if (x && typeof x === "object") parts.push(k + ": " + (Array.isArray(x) ? x.map((e) => (e && e.id) || (typeof e === "string" ? e : "")).filter(Boolean).join(", ") || x.length + " item(s)"
        : Object.entries(x).map(([a, b]) => a + "=" + (typeof b === "object" ? "…" : b)).join("; ")));
      else parts.push(k + ": " + x);
    }
    return (r.round !== undefined ? "Round " + r.round + " — " : "") + parts.join(" · ");
  }

  // ---- the elicitation form --------------------------------------------------------------
  /** Rank-order-centroid weights for n ranked issues (the first is the most important). */
  function roc(n) {
    const w = [];
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = k; i < n; i++) s += 1 / (i + 1);
      w.push(s / n);
    }
    return w;
  }

  class Elicitation {
    constructor(v, submit) {
      this.issues = v.issues || [];
      this.submit = submit;
      const n = this.issues.length;
      const prof = v.profile;
      this.ratings = this.issues.map((iss) => {
        const e = prof && prof.evaluations && prof.evaluations[iss.name];
        if (Array.isArray(e) && e.length === iss.options.length) {
          const mx = Math.max(...e);
          return e.map((x) => (mx > 0 ? Math.round((10 * x) / mx) : 0));
        }
        return iss.options.map(() => 5);
      });
      if (prof && prof.weights) {
        this.order = [...this.issues.keys()].sort((a, b) => (prof.weights[this.issues[b].name] || 0) - (prof.weights[this.issues[a].name] || 0));
        this.weights = this.issues.map((iss) => Number(prof.weights[iss.name]) || 0);
      } else {
        this.order = [...Array(n).keys()];
        this.weights = new Array(n).fill(0);
        this.rankWeights();
      }
      this.reservation = this.issues.map(() => 0);
    }

    rankWeights() {
      const w = roc(this.order.length);
      this.order.forEach((issue, rank) => { this.weights[issue] = Math.round(w[rank] * 1000) / 1000; });
    }

    /** The implied utility of a package (option index per issue), as the engine computes it. */
    utility(pkg) {
      let u = 0;
      this.issues.forEach((_, i) => {
        const mx = Math.max(...this.ratings[i]);
        if (mx > 0) u += this.weights[i] * (this.ratings[i][pkg[i]] / mx);
      });
      return Math.min(1, u);
    }

    build() {
      this.rankList = h("ol", { class: "rank", id: "rank-list" });
      this.ratingBox = h("div");
      this.resBox = h("div", { class: "opts" });
      this.preview = h("div", { id: "preview", "aria-live": "polite" });
      const form = h("form", { id: "profile-form" },
        h("h2", null, "Your preferences (private)"),
        h("p", { id: "elicit-note", class: "ok", role: "status" }),
        h("p", null, "Nobody sees these numbers: not the mediator, not the other parties. The system uses them to find packages that are good for all of you."),
        h("fieldset", null, h("legend", null, "1. Rank the issues, most important first"),
          h("p", { class: "small" }, "Moving an issue sets the weights from the ranking (rank-order-centroid weights); you may then edit them."),
          this.rankList,
          h("button", { type: "button", class: "secondary small", id: "weights-from-rank", onclick: () => { this.rankWeights(); this.drawRanks(); this.update(); } }, "Weights from the ranking")),
        h("fieldset", null, h("legend", null, "2. Rate each option from 0 (worst for you) to 10 (best)"), this.ratingBox),
        h("fieldset", null, h("legend", null, "3. Your reservation package: the least you would accept"),
          h("p", { class: "small" }, "Its utility becomes your reservation value: the system never proposes an agreement worth less to you."),
          this.resBox),
        h("fieldset", null, h("legend", null, "What these numbers imply"), this.preview),
        h("div", { class: "actions" }, h("button", { type: "submit", id: "send-profile" }, "Send my profile")));
      form.addEventListener("submit", (ev) => { ev.preventDefault(); this.submit(this.profile()); });
      form.addEventListener("input", () => this.update());
      form.addEventListener("change", () => this.update());
      this.drawRanks();
      this.drawRatings();
      this.drawReservation();
      this.update();
      const file = h("input", { type: "file", id: "profile-file", accept: ".toml,.json,application/json,application/toml" });
      const upload = h("form", { id: "profile-upload", class: "controls" },
        h("label", { for: "profile-file" }, "Or send a profile file (a [[party]] table as TOML, or JSON with reservation, weights, evaluations)"), file,
        h("button", { type: "submit" }, "Send the file"));
      upload.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const f = file.files && file.files[0];
        if (!f) return;
        const text = await f.text();
        const json = /\.json$/i.test(f.name) || /^\s*\{/.test(text);
        this.submit(text, json ? "application/json; charset=utf-8" : "application/toml");
      });
      return h("div", { class: "card" }, form, h("details", null, h("summary", null, "Upload instead"), upload));
    }

    drawRanks() {
      const n = this.order.length;
      this.rankList.replaceChildren(...this.order.map((issue, rank) => {
        const name = this.issues[issue].name;
        const id = "weight-" + issue;
        const w = h("input", { type: "number", id, min: "0", max: "1", step: "0.001", value: String(this.weights[issue]), "data-weight": String(issue),
          oninput: (ev) => { const x = Number(ev.currentTarget.value); this.weights[issue] = isFinite(x) && x >= 0 ? x : 0; } });
        const move = (d) => () => {
          const j = rank + d;
          if (j < 0 || j >= n) return;
          [this.order[rank], this.order[j]] = [this.order[j], this.order[rank]];
          this.rankWeights();
          this.drawRanks();
          this.update();
          const again = this.rankList.querySelector('button[data-move="' + (d < 0 ? "up" : "down") + '"][data-issue="' + issue + '"]');
          if (again && !again.disabled) again.focus();
        };
        return h("li", null, h("span", { class: "pos" }, String(rank + 1) + "."), h("span", { class: "name" }, name),
          h("button", { type: "button", class: "small secondary", "data-move": "up", "data-issue": String(issue), "aria-label": "Move " + name + " up", disabled: rank === 0, onclick: move(-1) }, "↑"),
          h("button", { type: "button", class: "small secondary", "data-move": "down", "data-issue": String(issue), "aria-label": "Move " + name + " down", disabled: rank === n - 1, onclick: move(1) }, "↓"),
          h("label", { for: id }, "weight "), w);
      }));
    }

    drawRatings() {
      this.ratingBox.replaceChildren(...this.issues.map((iss, i) => h("fieldset", null, h("legend", null, iss.name),
        h("div", { class: "opts" }, iss.options.map((o, k) => {
          const id = "rate-" + i + "-" + k;
          return h("label", { for: id }, o, h("input", { type: "number", id, min: "0", max: "10", step: "1", value: String(this.ratings[i][k]),
            "data-issue": String(i), "data-option": String(k), "aria-label": iss.name + ": " + o + " (0 to 10)",
            oninput: (ev) => { const x = Number(ev.currentTarget.value); this.ratings[i][k] = isFinite(x) ? Math.max(0, Math.min(10, x)) : 0; } }));
        })))));
    }

    drawReservation() {
      this.resBox.replaceChildren(...this.issues.map((iss, i) => {
        const id = "res-" + i;
        const sel = h("select", { id, "data-issue": String(i) },
          iss.options.map((o, k) => h("option", { value: String(k) }, o)));
        sel.value = String(this.reservation[i]);
        return h("label", { for: id }, iss.name, sel);
      }));
    }

    /** The live preview: the implied utility of a few packages. */
    update() {
      // The selects are the state (read here, so no event order can leave a stale value).
      for (const sel of this.resBox.querySelectorAll("select")) this.reservation[Number(sel.dataset.issue)] = Number(sel.value);
      const best = this.issues.map((_, i) => this.ratings[i].indexOf(Math.max(...this.ratings[i])));
      const worst = this.issues.map((_, i) => this.ratings[i].indexOf(Math.min(...this.ratings[i])));
      const middle = this.issues.map((iss) => Math.floor((iss.options.length - 1) / 2));
      const rows = [["Your best package", best], ["Your reservation package", this.reservation], ["The middle option of every issue", middle], ["Your worst package", worst]];
      const total = this.weights.reduce((a, b) => a + b, 0);
      this.preview.replaceChildren(
        h("p", { id: "reservation-value" }, "Reservation value: " + fmt(this.utility(this.reservation))),
        Math.abs(total - 1) > 0.01 ? h("p", { class: "small" }, "The weights add up to " + fmt(total) + " (utilities are capped at 1).") : null,
        h("table", { class: "pkg" }, h("thead", null, h("tr", null, h("th", { scope: "col" }, "Package"), h("th", { scope: "col" }, "Utility"))),
          h("tbody", null, rows.map(([l, p]) => h("tr", { title: this.issues.map((iss, i) => iss.name + ": " + iss.options[p[i]]).join("; ") },
            h("td", null, l), h("td", null, fmt(this.utility(p)) + " ", meter(this.utility(p))))))));
      sizeMeters(this.preview);
    }

    profile() {
      this.update();
      const weights = {};
      const evaluations = {};
      this.issues.forEach((iss, i) => {
        weights[iss.name] = this.weights[i];
        evaluations[iss.name] = this.ratings[i].slice();
      });
      return { reservation: this.utility(this.reservation), weights, evaluations };
    }
  }

  const form = $("create");
  if (form) initCreate(form);
  const root = $("mediation");
  if (root) initMediation(root);
})();
