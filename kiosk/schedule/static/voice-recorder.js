// The staff recording page (/staff/voices/...): records one narration line from the microphone
// with MediaRecorder and posts the take, with the staff session's CSRF token in a header. The
// page's words stand in data- attributes, so this file holds none.
"use strict";
(function () {
  const box = document.getElementById("recorder");
  const start = document.getElementById("record-start");
  const stop = document.getElementById("record-stop");
  const status = document.getElementById("record-status");
  if (!box) return;
  status.textContent = "";
  if (!window.MediaRecorder || !navigator.mediaDevices) {
    status.textContent = box.dataset.noMicrophone;
    start.disabled = true;
    return;
  }
  let recorder = null;

  async function send(blob) {
    status.textContent = box.dataset.sending;
    const answer = await fetch(box.dataset.upload, {
      method: "POST", body: blob, credentials: "same-origin",
      headers: {"content-type": blob.type || "audio/webm", "x-csrf-token": box.dataset.csrf},
    });
    if (answer.ok) {
      window.location.reload();
    } else {
      status.textContent = await answer.text();
      start.disabled = false;
    }
  }

  start.addEventListener("click", async function () {
    start.disabled = true;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: true});
    } catch (err) {
      status.textContent = box.dataset.noMicrophone;
      start.disabled = false;
      return;
    }
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
    recorder.addEventListener("stop", function () {
      stream.getTracks().forEach(function (track) { track.stop(); });
      send(new Blob(chunks, {type: recorder.mimeType || "audio/webm"}));
    });
    recorder.start();
    stop.disabled = false;
    status.textContent = box.dataset.recording;
  });

  stop.addEventListener("click", function () {
    stop.disabled = true;
    if (recorder && recorder.state !== "inactive") recorder.stop();
  });
})();
