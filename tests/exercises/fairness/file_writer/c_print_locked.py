"""print(..., file=f) under the writer's lock, Thread subclass workers."""
import threading


class SafeFileWriter:
    def __init__(self, path):
        self.f = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()

    def write_line(self, text):
        if "\n" in text:
            raise ValueError(text)
        with self.lock:
            if self.f.closed:
                raise ValueError("closed")
            print(text, file=self.f)

    def close(self):
        with self.lock:
            self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Fetcher(threading.Thread):
    def __init__(self, pending, lock, fetch, writer, done):
        super().__init__()
        self.pending, self.lock, self.fetch, self.writer, self.done = pending, lock, fetch, writer, done

    def run(self):
        while True:
            with self.lock:
                if not self.pending:
                    return
                url = self.pending.pop(0)
            body = self.fetch(url)
            self.writer.write_line(f"{url}\t{len(body)}")
            with self.lock:
                self.done.append(url)


def fetch_all(urls, fetch, path, n_threads=4):
    pending, lock, done = list(urls), threading.Lock(), []
    with SafeFileWriter(path) as writer:
        ts = [Fetcher(pending, lock, fetch, writer, done) for _ in range(n_threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    return len(done)
