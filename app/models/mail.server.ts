// Queuing mail: the framework-free functions of server/domain/mail.ts, which routes reach through
// this module (only .server modules under app/ may import server/).
export { absoluteUrl, queueMail, queueMails, queueMailsStatement, type Mail } from "../../server/domain/mail";
