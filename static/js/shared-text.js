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
// "Saved" is read aloud once the member has stopped writing for this long, not after every
// pause in the typing that saves.
const ANNOUNCE_SAVED_AFTER_MS = 5000;

// Texts are compared as words, runs of whitespace and single other characters, as the
// server's merge (workshops/merge.py) compares them.
const TOKEN = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;
// Beyond this many edits between two texts, the changed stretch counts as one edit.
const MOST_EDITS = 2000;

function tokensOf(text) {
  return text.match(TOKEN) ?? [];
}

// Myers' shortest edit script from tokens `a` to `b`, as edits of `a`: its tokens
// [start, end) become `tokens`.
function editsBetween(a, b) {
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  let endA = a.length;
  let endB = b.length;
  while (endA > first && endB > first && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const [n, m] = [endA - first, endB - first];
  if (n === 0 && m === 0) return [];
  const whole = [{ start: first, end: endA, tokens: b.slice(first, endB) }];
  if (n === 0 || m === 0) return whole;
  const most = Math.min(n + m, MOST_EDITS);
  const offset = most + 1;
  const reach = new Int32Array(2 * most + 3);
  const trace = [];
  const same = (x, y) => a[first + x] === b[first + y];
  for (let d = 0; d <= most; d++) {
    trace.push(reach.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && reach[k - 1 + offset] < reach[k + 1 + offset]);
      let x = down ? reach[k + 1 + offset] : reach[k - 1 + offset] + 1;
      let y = x - k;
      while (x < n && y < m && same(x, y)) {
        x++;
        y++;
      }
      reach[k + offset] = x;
      if (x >= n && y >= m) return collect(trace, n, m, offset, first, b);
    }
  }
  return whole;
}

function collect(trace, n, m, offset, first, b) {
  const steps = [];
  let [x, y] = [n, m];
  for (let d = trace.length - 1; d >= 0; d--) {
    const reach = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && reach[k - 1 + offset] < reach[k + 1 + offset]);
    const previousK = down ? k + 1 : k - 1;
    const previousX = reach[previousK + offset];
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
    }
    if (d > 0) steps.push(x === previousX ? { insert: y - 1, at: x } : { remove: x - 1 });
    [x, y] = [previousX, previousY];
  }
  const edits = [];
  let current = null;
  let lastAt = -1;
  for (const step of steps.reverse()) {
    const at = step.insert !== undefined ? step.at : step.remove;
    if (!current || at > lastAt) {
      current = { start: at, end: at, tokens: [] };
      edits.push(current);
    }
    if (step.insert !== undefined) current.tokens.push(b[first + step.insert]);
    else current.end = step.remove + 1;
    lastAt = step.insert !== undefined ? at : step.remove + 1;
  }
  return edits.map((edit) => ({ ...edit, start: edit.start + first, end: edit.end + first }));
}

function overlap(one, other) {
  if (one.start < other.end && other.start < one.end) return true;
  const inserts = (edit) => edit.start === edit.end;
  if (inserts(one) && inserts(other)) return one.start === other.start;
  if (inserts(one)) return other.start < one.start && one.start < other.end;
  if (inserts(other)) return one.start < other.start && other.start < one.end;
  return false;
}

function applied(base, start, end, edits) {
  const tokens = [];
  let position = start;
  for (const edit of edits) {
    tokens.push(...base.slice(position, edit.start), ...edit.tokens);
    position = edit.end;
  }
  return [...tokens, ...base.slice(position, end)];
}

function sideBySide(theirs, mine) {
  if (!theirs.length || !mine.length) return [...theirs, ...mine];
  const apart = /\s/.test(theirs.at(-1)) || /\s/.test(mine[0]);
  return apart ? [...theirs, ...mine] : [...theirs, " ", ...mine];
}

// `theirs` and `mine` were both edited from `base`. Edits in different places both apply;
// where they meet the same words, both versions are kept, the others' first, for the group
// to tidy: the same merge as the server's.
function rebase(base, theirs, mine) {
  if (mine === base || theirs === mine) return theirs;
  if (theirs === base) return mine;
  const baseTokens = tokensOf(base);
  const tagged = [
    ...editsBetween(baseTokens, tokensOf(theirs)).map((edit) => ({ edit, theirs: true })),
    ...editsBetween(baseTokens, tokensOf(mine)).map((edit) => ({ edit, theirs: false })),
  ].sort((p, q) => p.edit.start - q.edit.start || p.edit.end - q.edit.end);
  const clusters = [];
  for (const { edit, theirs: isTheirs } of tagged) {
    const last = clusters.at(-1);
    const [own, other] = last ? (isTheirs ? [last.theirs, last.mine] : [last.mine, last.theirs]) : [];
    if (last && other.length && overlap(other.at(-1), edit)) {
      own.push(edit);
    } else {
      clusters.push(isTheirs ? { theirs: [edit], mine: [] } : { theirs: [], mine: [edit] });
    }
  }
  const merged = [];
  let position = 0;
  for (const cluster of clusters) {
    const edits = [...cluster.theirs, ...cluster.mine];
    const start = Math.min(...edits.map((edit) => edit.start));
    const end = Math.max(...edits.map((edit) => edit.end));
    merged.push(...baseTokens.slice(position, start));
    const theirsVersion = applied(baseTokens, start, end, cluster.theirs);
    const mineVersion = applied(baseTokens, start, end, cluster.mine);
    if (!cluster.mine.length || theirsVersion.join("") === mineVersion.join("")) {
      merged.push(...theirsVersion);
    } else if (!cluster.theirs.length) {
      merged.push(...mineVersion);
    } else {
      merged.push(...sideBySide(theirsVersion, mineVersion));
    }
    position = end;
  }
  merged.push(...baseTokens.slice(position));
  return merged.join("");
}

// Where a position in `from` lands in `to`: it moves with the text before it, and inside a
// changed stretch it goes to the stretch's end.
function moved(position, from, to) {
  const fromTokens = tokensOf(from);
  const offsets = [0];
  for (const token of fromTokens) offsets.push(offsets.at(-1) + token.length);
  let shift = 0;
  for (const edit of editsBetween(fromTokens, tokensOf(to))) {
    const [start, end] = [offsets[edit.start], offsets[edit.end]];
    const length = edit.tokens.join("").length;
    if (position <= start) break;
    if (position < end) return start + shift + length;
    shift += length - (end - start);
  }
  return position + shift;
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
    this.savedTimer = null;
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
    clearTimeout(this.savedTimer);
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
      if (!recovered) this.announceSavedWhenQuiet();
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

  announceSavedWhenQuiet() {
    clearTimeout(this.savedTimer);
    this.savedTimer = setTimeout(() => {
      if (!this.unsaved) this.announcer.textContent = this.message("saved");
    }, ANNOUNCE_SAVED_AFTER_MS);
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

// A reload the page does itself keeps the member where they were typing: the same box, the
// caret as far from the end of the text as it was, so the next keystroke lands where the last
// one did whatever the reload merged in before it. Focus elsewhere (a tag button) goes back to
// the element of the same id.
const FOCUS_KEY = `kodeks:focus:${location.pathname}`;

function rememberFocus() {
  const active = document.activeElement;
  const shared = sharedTexts.find((candidate) => candidate.textarea === active);
  if (!shared) {
    if (!active?.id) return;
    try {
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ id: active.id }));
    } catch {
      // As below.
    }
    return;
  }
  const fromEnd = active.value.length - active.selectionEnd;
  const width = active.selectionEnd - active.selectionStart;
  try {
    sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ field: shared.field, fromEnd, width }));
  } catch {
    // Storage full or off: the member taps the box again.
  }
}

function restoreFocus() {
  let focus = null;
  try {
    focus = JSON.parse(sessionStorage.getItem(FOCUS_KEY));
    sessionStorage.removeItem(FOCUS_KEY);
  } catch {
    focus = null;
  }
  if (typeof focus?.id === "string") {
    document.getElementById(focus.id)?.focus();
    return;
  }
  const shared = focus && sharedTexts.find((candidate) => candidate.field === focus.field);
  if (!shared) return;
  const textarea = shared.textarea;
  const end = Math.max(0, textarea.value.length - (Number(focus.fromEnd) || 0));
  const start = Math.max(0, end - (Number(focus.width) || 0));
  textarea.focus();
  textarea.setSelectionRange(start, end);
}

function start() {
  startSharedTexts();
  restoreFocus();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
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
    rememberFocus();
  }
});

window.addEventListener("beforeunload", (event) => {
  if (!reloading && sharedTexts.some((shared) => shared.unsaved)) event.preventDefault();
});

window.addEventListener("online", () => {
  for (const shared of sharedTexts) if (shared.failing) shared.schedule(0);
});
