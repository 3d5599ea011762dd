import type { FormProblems } from "../inputs.js";
import { html, type SafeHtml } from "./html.js";

/** What a form field shows: the value typed (kept when the form comes back with problems) and its problem. */
export interface FieldState {
  value: string;
  /** `aria-invalid` and `aria-describedby` for the control: empty when it has no problem. */
  attributes: SafeHtml;
  /** The problem, to place right after the control. */
  message: SafeHtml;
}

export function fieldState(id: string, name: string, fallback: string, form: FormProblems | undefined): FieldState {
  const problem = form?.problems[name];
  return {
    value: form?.values[name] ?? fallback,
    attributes: problem ? html`aria-invalid="true" aria-describedby="${id}-error"` : html``,
    message: problem ? html`<p class="field-error" id="${id}-error">${problem}</p>` : html``,
  };
}
