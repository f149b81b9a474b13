// The emergency exit of the pages without a conversation: replace this page in the history, leave at once.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-exit-url"), shiftTimes = [];
  function leave(event) {
    if (event) event.preventDefault();
    document.body.textContent = "";
    location.replace(exitUrl);
  }
  document.getElementById("exit").addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) return;
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < 1500; });
    shiftTimes.push(now);
    if (shiftTimes.length >= 3) leave();
  });
})();
