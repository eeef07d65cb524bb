// JSON Schemas shared by HeyGen v3's bulk reads (statuses, batches): serialization and the API
// description. The spec leaves `error` open; ours says what the simulator puts in it.

export const itemErrorSchema = {
  type: ["object", "null"],
  description: "Why the item failed, once it has",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

export const batchItemSchema = {
  type: "object",
  required: ["item_index", "video_id", "status", "error"],
  properties: {
    item_index: { type: "integer", description: "Zero-based place in the batch" },
    video_id: {
      type: ["string", "null"],
      description: "The item's video translation id, once its job exists",
    },
    status: { type: "string", enum: ["queued", "processing", "completed", "failed"] },
    error: itemErrorSchema,
  },
} as const;
