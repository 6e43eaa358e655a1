/**
 * OpenAI wire types, as the official clients send and read them
 * (platform.openai.com/docs/api-reference; openai-node `src/resources`).
 * Only the fields the gateway reads or writes are spelled out; requests may
 * carry any others, which are ignored (LangChain and others send extras).
 */

export interface ApiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface ApiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface ApiTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

export interface ApiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ApiChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: {
    index: number;
    message: { role: "assistant"; content: string | null; refusal: null; tool_calls?: ApiToolCall[] };
    logprobs: { content: ApiTokenLogprob[]; refusal: null } | null;
    finish_reason: string;
  }[];
  usage: ApiUsage;
}

export interface ApiChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: {
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      refusal?: null;
      tool_calls?: { index: number; id?: string; type?: "function"; function: { name?: string; arguments: string } }[];
    };
    logprobs: { content: ApiTokenLogprob[]; refusal: null } | null;
    finish_reason: string | null;
  }[];
  usage?: ApiUsage | null;
}

export interface ApiCompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Record<string, number>[];
  text_offset: number[];
}

export interface ApiCompletion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: { index: number; text: string; logprobs: ApiCompletionLogprobs | null; finish_reason: string | null }[];
  usage?: ApiUsage | null;
}

export interface ApiEmbeddings {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ApiModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}
