"""Wrong: print(text, file=f) with no lock (print writes the text and the newline separately)."""
import threading


class SafeFileWriter:
    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8")

    def write_line(self, text):
        if "\n" in text:
            raise ValueError(text)
        if self.f.closed:
            raise ValueError("closed")
        print(text, file=self.f)

    def close(self):
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pending = list(urls)
    lock = threading.Lock()
    count = [0]

    def worker(writer):
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            with lock:
                count[0] += 1

    with SafeFileWriter(path) as writer:
        ts = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    return count[0]

