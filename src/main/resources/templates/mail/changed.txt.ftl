${changed}

${t["mail.changed.not-you"]}

${t["mail.portal.go"]} ${t["mail.portal.link"]}: ${portalUrl}
