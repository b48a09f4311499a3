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
  // A firewall is ours only in front of the key vault that secret environment variables read (see below).
  /\b(vpn|wi-?fi|wifi|printers?|firewall|dns|bluetooth|ethernet|router)\b/,
  // Neighbouring Microsoft products whose questions share our words (gateway, connector, Excel, boards) but are not
  // about Power Platform connections: Power BI reports and refreshes, Excel formulas, Azure DevOps work tracking.
  /\bpower ?bi\b.*\b(reports?|dashboards?|refresh\w*|datasets?|semantic models?|subscriptions?|gateways?|visuals?|dax)\b/,
  /\b(gateways?)\b.*\bpower ?bi\b/,
  /\bexcel\b.*\b(formulas?|pivot|vlookup|xlookup|macros?|charts?|sumif\w*|cells?)\b|\b(formulas?|pivot tables?)\b.*\bexcel\b/,
  /\b(azure devops|ado)\b.*\b(boards?|work items?|sprints?|backlogs?)\b|\b(work items?|sprint|backlog)\b.*\bboards?\b/,
];

/**
 * Requests that one of the patterns above would decline but that are about our subject: the firewall of the key
 * vault behind secret environment variables is a Power Platform connection question.
 */
const IN_SCOPE_AFTER_ALL: RegExp[] = [/\b(key ?vault|vault|kv|akv)\b/];

/**
 * Our words are also other products' words: environment variables (Windows, Node.js), pipelines (GitHub Actions for
 * a web app), DLP (Purview), Conditional Access (Exchange), sharing limits (OneDrive). A question that names such a
 * product and nothing of Power Platform is about that product.
 */
const OTHER_PRODUCTS =
  /\b(windows|linux|mac ?os|node(?:\.?js)?|react|angular|python|java|docker|kubernetes|purview|exchange(?: online)?|intune|onedrive files?|sharepoint sites? storage|outlook rules?|static web apps?|web ?apps?|npm|\.env)\b|\bconditional formatting\b/;
const POWER_PLATFORM =
  /\b(flows?|power ?automate|power ?apps?|canvas|model-driven|dataverse|connections?|connectors?|connection ?ref\w*|solutions?|power ?platform|copilot studio|logic apps?|makers?)\b/;

export function isOutOfScope(question: string): boolean {
  const text = question.toLowerCase();
  if (IN_SCOPE_AFTER_ALL.some((pattern) => pattern.test(text))) return false;
  if (OTHER_PRODUCTS.test(text) && !POWER_PLATFORM.test(text)) return true;
  return OUT_OF_SCOPE.some((pattern) => pattern.test(text));
}
