"""The original design's server, rebuilt from its README: one job that starts with the server.

GET /status answers {"result": "pending"} until PENDING_DURATION seconds have passed, then
{"result": "completed"}, or {"result": "error"} with probability ERROR_PROBABILITY (drawn once).
Run as the original was: `uvicorn main:app` (here without --reload, as a deployment would).
"""

import os
import random
import time

from fastapi import FastAPI

PENDING_DURATION = float(os.getenv("PENDING_DURATION", "10"))
ERROR_PROBABILITY = float(os.getenv("ERROR_PROBABILITY", "0.1"))

app = FastAPI()
started_at = time.time()
final_result = None


@app.get("/status")
async def get_status():
    global final_result
    if time.time() - started_at < PENDING_DURATION:
        return {"result": "pending"}
    if final_result is None:
        final_result = "error" if random.random() < ERROR_PROBABILITY else "completed"
    return {"result": final_result}
