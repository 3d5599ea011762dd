/** Text with the credentials of any connection string in it masked, for log lines and health reports. */
export function redact(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, "//***@");
}
