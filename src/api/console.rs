//! What a running server offers its owner (Nova): the boot log, a remote console, a Windows
//! server's encrypted password, and the security groups it is in.

use ecs_api::ApiError;
use ecs_api::models::{
    ConsoleOutput, NovaSecurityGroupList, RemoteConsole, RemoteConsoleBody, SecurityGroup,
    ServerPassword,
};
use ecs_api::requests::{ConsoleOutputRequest, NovaRequest, RemoteConsoleRequest};

use super::{Api, ApiRequest};

impl Api {
    /// `os-getConsoleOutput`: the last `lines` lines of the boot log (all of it for `None`).
    /// Nova answers 404 while the server builds (no log yet); the caller says so.
    pub async fn console_output(
        &self,
        server_id: &str,
        lines: Option<u32>,
    ) -> Result<String, ApiError> {
        let url = self.compute_endpoint()?.server_action(server_id);
        let request = match lines {
            Some(lines) => ConsoleOutputRequest::last_lines(lines),
            None => ConsoleOutputRequest::default(),
        };
        let output: ConsoleOutput = self
            .fetch("console output", ApiRequest::post(url, &request.to_body())?)
            .await?;
        Ok(output.output)
    }

    /// `POST /servers/{id}/remote-consoles` for a noVNC console.
    pub async fn remote_console(&self, server_id: &str) -> Result<RemoteConsole, ApiError> {
        let url = self.compute_endpoint()?.remote_consoles(server_id);
        let body = RemoteConsoleRequest::novnc().to_body();
        let answer: RemoteConsoleBody = self
            .fetch("remote console", ApiRequest::post(url, &body)?)
            .await?;
        Ok(answer.remote_console)
    }

    /// `GET /servers/{id}/os-server-password`: encrypted, as the guest posted it.
    pub async fn server_password(&self, server_id: &str) -> Result<ServerPassword, ApiError> {
        let url = self.compute_endpoint()?.server_password(server_id);
        self.fetch("server password", ApiRequest::get(url)).await
    }

    /// `GET /servers/{id}/os-security-groups`: the groups the server is in, with their rules
    /// (Nova serves this on every cloud, Neutron or not).
    pub async fn server_security_groups(
        &self,
        server_id: &str,
    ) -> Result<Vec<SecurityGroup>, ApiError> {
        let url = self.compute_endpoint()?.server_security_groups(server_id);
        let list: NovaSecurityGroupList =
            self.fetch("security groups", ApiRequest::get(url)).await?;
        Ok(list.to_security_groups())
    }
}
