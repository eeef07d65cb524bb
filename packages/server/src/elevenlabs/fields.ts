// The form fields of `POST /v1/dubbing`, as ElevenLabs' official JS SDK sends them: its
// request type `BodyDubAVideoOrAnAudioFileV1DubbingPost` (api/resources/dubbing/client/requests/)
// and `DubbingClient.create`, which appends each set field to a multipart form, numbers and
// booleans as their `toString()`.

/** How a field's text is read, with the words pydantic (behind ElevenLabs' API) uses when not. */
export type FieldKind = "file" | "text" | "integer" | "number" | "boolean" | "mode";

export const DUBBING_FIELDS = {
  file: "file",
  csv_file: "file",
  foreground_audio_file: "file",
  background_audio_file: "file",
  name: "text",
  source_url: "text",
  source_lang: "text",
  target_lang: "text",
  target_accent: "text",
  num_speakers: "integer",
  watermark: "boolean",
  start_time: "number",
  end_time: "number",
  highest_resolution: "boolean",
  drop_background_audio: "boolean",
  use_profanity_filter: "boolean",
  dubbing_studio: "boolean",
  disable_voice_cloning: "boolean",
  mode: "mode",
  csv_fps: "number",
} as const satisfies Record<string, FieldKind>;

export type DubbingField = keyof typeof DUBBING_FIELDS;

/** What a field's text may be. Booleans take what pydantic takes: true/false, 1/0, yes/no, on/off. */
export const FIELD_PATTERNS: Partial<Record<FieldKind, string>> = {
  integer: "^[+-]?\\d+$",
  number: "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?$",
  boolean:
    "^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff])$",
};

/** pydantic's error type and message for a field whose text does not parse as its kind. */
export const PARSE_ERRORS: Record<FieldKind, { type: string; msg: string }> = {
  file: { type: "value_error", msg: "Expected UploadFile, received: <class 'str'>" },
  text: { type: "string_type", msg: "Input should be a valid string" },
  integer: {
    type: "int_parsing",
    msg: "Input should be a valid integer, unable to parse string as an integer",
  },
  number: {
    type: "float_parsing",
    msg: "Input should be a valid number, unable to parse string as a number",
  },
  boolean: {
    type: "bool_parsing",
    msg: "Input should be a valid boolean, unable to interpret input",
  },
  mode: { type: "enum", msg: "Input should be 'automatic' or 'manual'" },
};

/** A form field's text as the value it stands for: numbers and booleans parsed, text as is. */
export function fieldValue(kind: FieldKind, text: string): string | number | boolean {
  switch (kind) {
    case "integer":
    case "number":
      return Number(text);
    case "boolean":
      return ["true", "1", "yes", "on"].includes(text.toLowerCase());
    default:
      return text;
  }
}
