"""The baseline: a bare FastAPI endpoint doing one asyncpg INSERT, nothing else."""

from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager

import asyncpg
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

DATABASE_URL = os.environ["BASELINE_DATABASE_URL"]


class Item(BaseModel):
    postal_code: str
    category: str
    text: str = ""


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=10)
    await app.state.pool.execute("CREATE TABLE IF NOT EXISTS items (id uuid PRIMARY KEY, postal_code text, "
                                 "category text, body text)")
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/readyz")
async def ready():
    return {"ready": True}


@app.post("/items", status_code=201)
async def create(item: Item):
    item_id = uuid.uuid4()
    await app.state.pool.execute("INSERT INTO items VALUES ($1, $2, $3, $4)", item_id, item.postal_code,
                                 item.category, item.text)
    return {"id": item_id}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["BASELINE_PORT"]), access_log=False, log_level="warning")
