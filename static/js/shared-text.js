// The group's shared texts: every member writes in the same notes, conclusion and own
// dilemma. A save sends the text and the revision it was written from; the server merges it
// with what the others saved meanwhile and answers with the merged text. Between saves the
// live section's poll brings what the others saved. Either way the new text is merged into
// the textarea without touching what the member has not sent yet, their cursor or selection.
"use strict";

const SAVE_AFTER_PAUSE_MS = 700;
const SAVE_WHILE_TYPING_MS = 2000;
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30000;
const SAVE_TIMEOUT_MS = 15000;
// Screen readers hear that others changed the text at most this often.
const ANNOUNCE_EVERY_MS = 60000;

function isHighSurrogate(text, index) {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff;
}

// The one stretch of `from` that `to` replaces: from.slice(start, end) becomes `text`.
function change(from, to) {
  const shortest = Math.min(from.length, to.length);
  let start = 0;
  while (start < shortest && from[start] === to[start]) start++;
  if (start > 0 && isHighSurrogate(from, start - 1)) start--;
  let kept = 0;
  while (kept < shortest - start && from[from.length - 1 - kept] === to[to.length - 1 - kept]) kept++;
  if (kept > 0 && isHighSurrogate(from, from.length - kept - 1)) kept--;
  return { start, end: from.length - kept, text: to.slice(start, to.length - kept) };
}

function isSpace(character) {
  return character === undefined || /\s/.test(character);
}

// `theirs` and `mine` were both edited from `base`. Apart, both edits apply; where they meet
// the same stretch, both versions of it are kept, the others' first, for the group to tidy.
function rebase(base, theirs, mine) {
  if (mine === base || theirs === mine) return theirs;
  if (theirs === base) return mine;
  const a = change(base, theirs);
  const b = change(base, mine);
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  if (first.end <= second.start) {
    return (
      base.slice(0, first.start) + first.text + base.slice(first.end, second.start) +
      second.text + base.slice(second.end)
    );
  }
  const start = Math.min(a.start, b.start);
  const end = Math.max(a.end, b.end);
  const version = (edit) => base.slice(start, edit.start) + edit.text + base.slice(edit.end, end);
  const [ours, yours] = [version(a), version(b)];
  const between = isSpace(ours.at(-1)) || isSpace(yours[0]) ? "" : " ";
  const both = ours === yours ? ours : ours + between + yours;
  return base.slice(0, start) + both + base.slice(end);
}

// Where a position in `from` lands in `to`: before the changed stretch it stays, after it
// it moves with the text, inside it goes to the stretch's end.
function moved(position, from, to) {
  const edit = change(from, to);
  if (position <= edit.start) return position;
  if (position >= edit.end) return position + to.length - from.length;
  return edit.start + edit.text.length;
}

// The live section carries the group's texts; every poll that changes it brings new ones.
function serverTexts() {
  const live = document.getElementById("live");
  return live?.dataset.sharedTexts ? JSON.parse(live.dataset.sharedTexts) : {};
}

let reloading = false;

class SharedText {
  constructor(form) {
    this.form = form;
    this.field = form.dataset.sharedText;
    this.textarea = form.querySelector("textarea");
    this.versionInput = form.querySelector("input[name=version]");
    this.state = form.querySelector("[data-save-state]");
    this.announcer = form.querySelector("[data-announcer]");
    this.token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const server = serverTexts()[this.field];
    // The group's text as of revision `version`: what the member's own edits are made on.
    this.base = server ? server.text : this.textarea.value;
    this.version = server ? server.version : Number(this.versionInput.value);
    this.sending = null;
    this.polled = null;
    this.failing = false;
    this.refused = false;
    this.timer = null;
    this.firstUnsentAt = null;
    this.retryMs = FIRST_RETRY_MS;
    this.announcedAt = -Infinity;
    this.storageKey = `kodeks:${location.pathname}:${this.field}`;
    this.textarea.addEventListener("input", () => this.edited());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.schedule(0);
    });
    this.restore();
  }

  get unsaved() {
    return this.sending !== null || this.textarea.value !== this.base;
  }

  message(name) {
    return this.form.dataset[name];
  }

  show(text, { announce = false } = {}) {
    this.state.textContent = text;
    this.state.classList.toggle("unsaved", this.failing || this.refused);
    if (announce) this.announcer.textContent = text;
  }

  edited() {
    this.remember();
    if (!this.failing && !this.refused) this.show("");
    this.firstUnsentAt ??= Date.now();
    this.schedule();
  }

  // A save after a pause in typing, and every couple of seconds while the typing goes on.
  schedule(delay) {
    clearTimeout(this.timer);
    if (this.sending !== null) return;
    const sinceFirst = Date.now() - (this.firstUnsentAt ?? Date.now());
    const wait = delay ?? Math.min(SAVE_AFTER_PAUSE_MS, Math.max(0, SAVE_WHILE_TYPING_MS - sinceFirst));
    this.timer = setTimeout(() => this.save(), wait);
  }

  async save() {
    if (this.sending !== null) return;
    const text = this.textarea.value;
    if (text === this.base) {
      this.firstUnsentAt = null;
      this.forget();
      return;
    }
    this.sending = text;
    this.firstUnsentAt = null;
    if (!this.failing) this.show(this.message("saving"));
    let response;
    let answer;
    try {
      response = await fetch(this.form.action, {
        method: "POST",
        body: new URLSearchParams({ text, version: String(this.version) }),
        headers: { Accept: "application/json", "X-CSRFToken": this.token },
        credentials: "same-origin",
        signal: AbortSignal.timeout(SAVE_TIMEOUT_MS),
      });
      answer = await response.json();
    } catch {
      answer = null;
    }
    this.sending = null;
    if (response && !response.ok && response.status < 500 && response.status !== 429) {
      // Refused for good (the workshop closed, the text is too long): keep it, say why.
      this.refused = true;
      this.failing = false;
      this.catchUp();
      this.show(answer?.error ?? this.message("refused"), { announce: true });
      return;
    }
    if (!response?.ok || answer === null) {
      this.catchUp();
      this.retry();
      return;
    }
    const recovered = this.failing;
    this.failing = false;
    this.refused = false;
    this.retryMs = FIRST_RETRY_MS;
    this.receive(answer.text, answer.version, text);
    this.catchUp();
    if (this.textarea.value === this.base) {
      this.forget();
      this.show(this.message("saved"), { announce: recovered });
    } else {
      this.remember();
      this.schedule();
    }
  }

  // What a poll brought while the save was in flight.
  catchUp() {
    const polled = this.polled;
    this.polled = null;
    if (polled && polled.version > this.version) this.receive(polled.text, polled.version, null);
  }

  retry() {
    if (!this.failing) {
      this.failing = true;
      this.show(this.message("failed"), { announce: true });
    }
    this.schedule(this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  // The group's text at revision `version`; `sent` is what this page sent for it, or null
  // when it comes from a poll.
  receive(text, version, sent) {
    if (sent === null && this.sending !== null) {
      // Merged in once the save in flight is answered: the text's history is one line, so a
      // later revision builds on whatever that answer brings.
      this.polled = { text, version };
      return;
    }
    if (version < this.version) return;
    const mine = this.textarea.value;
    const madeFrom = sent ?? this.base;
    const next = rebase(madeFrom, text, mine);
    const others = text !== madeFrom;
    this.base = text;
    this.version = version;
    this.versionInput.value = String(version);
    if (next !== mine) this.replace(next);
    if (others && next !== mine) this.announceOthers();
    if (next !== this.base) this.schedule();
  }

  replace(text) {
    const textarea = this.textarea;
    const old = textarea.value;
    const focused = document.activeElement === textarea;
    const [start, end, direction] = [textarea.selectionStart, textarea.selectionEnd, textarea.selectionDirection];
    const scroll = textarea.scrollTop;
    textarea.value = text;
    if (focused) {
      textarea.setSelectionRange(moved(start, old, text), moved(end, old, text), direction);
    }
    textarea.scrollTop = scroll;
  }

  announceOthers() {
    if (Date.now() - this.announcedAt < ANNOUNCE_EVERY_MS) return;
    this.announcedAt = Date.now();
    this.announcer.textContent = this.message("updated");
  }

  // What is not saved yet waits in the browser's storage of this page, for a reload.
  remember() {
    const unsent = { text: this.textarea.value, base: this.base, version: this.version };
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify(unsent));
    } catch {
      // Storage full or off: the text is still in the page, and saved when it can be.
    }
  }

  forget() {
    try {
      sessionStorage.removeItem(this.storageKey);
    } catch {
      // As above.
    }
  }

  restore() {
    let unsent = null;
    try {
      unsent = JSON.parse(sessionStorage.getItem(this.storageKey));
    } catch {
      unsent = null;
    }
    if (unsent && typeof unsent.text === "string" && typeof unsent.base === "string") {
      this.replace(rebase(unsent.base, this.textarea.value, unsent.text));
    }
    if (this.textarea.value !== this.base) {
      this.show(this.message("restored"), { announce: true });
      this.remember();
      this.schedule(0);
    }
  }
}

const sharedTexts = [];

function startSharedTexts() {
  for (const form of document.querySelectorAll("form[data-shared-text]")) {
    sharedTexts.push(new SharedText(form));
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startSharedTexts);
} else {
  startSharedTexts();
}

// Each poll that brings a new live section brings the group's texts with it.
document.addEventListener("htmx:afterSettle", () => {
  const texts = serverTexts();
  for (const shared of sharedTexts) {
    const server = texts[shared.field];
    if (server) shared.receive(server.text, server.version, null);
  }
});

// The page reloads itself when the phase or the dilemma changes; what is unsaved is in
// the browser's storage and merged after the reload.
document.addEventListener("htmx:beforeOnLoad", (event) => {
  if (event.detail.xhr?.getResponseHeader("HX-Refresh") === "true") {
    reloading = true;
    for (const shared of sharedTexts) shared.remember();
  }
});

window.addEventListener("beforeunload", (event) => {
  if (!reloading && sharedTexts.some((shared) => shared.unsaved)) event.preventDefault();
});

window.addEventListener("online", () => {
  for (const shared of sharedTexts) if (shared.failing) shared.schedule(0);
});
