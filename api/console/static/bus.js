// What happened, for whichever views care: views never import one another, they listen here.
//   exception-flagged {exception}  a new (or reopened) exception, from the live feed or a poll
//   exception-changed {exception}  a known exception as it stands now (after a review, or seen changed by a poll)
//   data-changed                   something the month and the charts show may have changed
//   open-exception {id}            the person chose an exception to look at

const bus = new EventTarget();

export function emit(name, detail = {}) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

export function on(name, handler) {
  bus.addEventListener(name, (e) => handler(e.detail));
}
