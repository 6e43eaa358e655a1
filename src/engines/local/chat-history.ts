import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, GbnfJsonSchema } from "node-llama-cpp";
import type { ChatMessage, ToolSpec } from "../engine.js";

/**
 * OpenAI-style messages as node-llama-cpp chat history. An assistant turn's
 * tool calls become function-call items whose `result` is the content of the
 * `tool` message that answers them (matched by call id), so the chat wrapper
 * renders calls and results in the model's own syntax. Consecutive assistant
 * and tool messages form one model turn, as node-llama-cpp expects.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const results = new Map<string, string>();
  for (const m of messages) if (m.role === "tool" && m.toolCallId !== undefined) results.set(m.toolCallId, m.content);
  const answered = new Set<string>();

  const history: ChatHistoryItem[] = [];
  const modelTurn = (): Extract<ChatHistoryItem, { type: "model" }> => {
    const last = history.at(-1);
    if (last?.type === "model") return last;
    const turn: ChatHistoryItem = { type: "model", response: [] };
    history.push(turn);
    return turn;
  };
  for (const m of messages) {
    switch (m.role) {
      case "system":
        history.push({ type: "system", text: m.content });
        break;
      case "user":
        history.push({ type: "user", text: m.content });
        break;
      case "assistant": {
        const turn = modelTurn();
        if (m.content !== "") turn.response.push(m.content);
        for (const call of m.toolCalls ?? []) {
          const item: ChatModelFunctionCall = {
            type: "functionCall",
            name: call.name,
            params: parseArguments(call.arguments),
            result: results.get(call.id) ?? "",
          };
          if (results.has(call.id)) answered.add(call.id);
          turn.response.push(item);
        }
        break;
      }
      case "tool":
        // Results already attached to their call; an orphan result is shown to the model as user text.
        if (m.toolCallId === undefined || !answered.has(m.toolCallId)) history.push({ type: "user", text: m.content });
        break;
    }
  }
  return history;
}

/** Tool specs as node-llama-cpp function definitions (no handlers: calls are returned, not run). */
export function toChatFunctions(specs: readonly ToolSpec[]): ChatModelFunctions {
  const out: Record<string, { description?: string; params?: GbnfJsonSchema }> = {};
  for (const s of specs) {
    out[s.name] = {
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.parameters !== undefined ? { params: s.parameters as unknown as GbnfJsonSchema } : {}),
    };
  }
  return out;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
