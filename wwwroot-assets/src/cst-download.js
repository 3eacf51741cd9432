// Downloads a file with progress: fetches it as a stream, tells .NET how many bytes have arrived,
// then hands the file to the browser's own download. Used for exports that may take a while.
export async function download(url, dotnet) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    await dotnet.invokeMethodAsync("OnDownloadFailed", response.status);
    return;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    const now = performance.now();
    if (now - reported > 200) {
      reported = now;
      await dotnet.invokeMethodAsync("OnDownloadProgress", received);
    }
  }
  const type = response.headers.get("content-type") ?? "application/octet-stream";
  const disposition = response.headers.get("content-disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : "export";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob(chunks, { type }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  await dotnet.invokeMethodAsync("OnDownloadDone", received);
}
