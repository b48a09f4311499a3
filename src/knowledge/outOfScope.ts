/**
 * Requests that are plainly not questions about Power Platform connections, whatever words they share with the
 * articles: "write a poem about my flows" mentions flows but must not be answered with connection trivia.
 * The search's confidence threshold handles the rest; this list only catches the kinds of request it cannot.
 */
const OUT_OF_SCOPE: RegExp[] = [
  /\b(weather|forecast|temperature|rain(ing)?|sunny)\b/,
  /\b(football|soccer|basketball|baseball|cricket|tennis|world cup|super bowl|match score|who won)\b/,
  /\b(translate|translation|in (german|french|spanish|italian|dutch|japanese|chinese))\b/,
  /\b(poem|poetry|haiku|limerick|sonnet|song|lyrics|story|joke|riddle)\b/,
  /\b(recipe|cook|bake|restaurant|movie|film|horoscope|stock price|bitcoin)\b/,
  /\bwrite (me )?(a |an |some )?(python|javascript|typescript|java|c#|c\+\+|sql|bash|powershell )?(code|script|program|function|class|regex|essay|email to)\b/,
  /\b(python|javascript|typescript|c\+\+|golang|rust) (code|script|program|function)\b/,
  /\b(virtual machines?|vms?|kubernetes|aks|virtual network|vnet|load balancer|cosmos ?db|app service plan|azure functions?)\b/,
  // Network and desk-side IT: a "VPN connection" or a "printer connection" is not a Power Platform connection.
  /\b(vpn|wi-?fi|wifi|printers?|firewall|dns|bluetooth|ethernet|router)\b/,
];

export function isOutOfScope(question: string): boolean {
  const text = question.toLowerCase();
  return OUT_OF_SCOPE.some((pattern) => pattern.test(text));
}
