"""The seed's aiohttp crawler on a Taskgrid cluster: the workers fetch the pages (http.get tasks),
and each page is printed as soon as it arrives.

    deploy/bin/taskgrid local &
    PYTHONPATH=clients/python python3 clients/python/examples/crawler.py https://www.example.com ...

http.get reaches public addresses only, unless the worker was started with --http-allow.
"""

import asyncio
import sys

import taskgrid

URLS = ["https://www.example.com", "https://www.python.org", "https://docs.python.org/3/"]


async def main(urls, address=None):
    async with taskgrid.Client(address) as client:
        pages = await client.map("http.get", urls)
        async for page in taskgrid.completed(pages):
            try:
                got = page.result()  # a dict: {"url": ..., "status": 200, "body": "<html>..."}
                print(got["url"], got["status"], len(got["body"]), "chars")
            except taskgrid.TaskError as e:
                print("failed:", e)
        return [p.result() for p in pages if p.exception() is None]


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or URLS))
