${t["mail.recovery.lead"]}

${loginLabel}: ${loginShown}
${t["mail.recovery.temp"]} ${temp}

${validity}

${t["mail.portal.go"]} ${t["mail.portal.link"]}: ${portalUrl}
