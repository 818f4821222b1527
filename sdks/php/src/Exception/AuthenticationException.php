<?php

declare(strict_types=1);

namespace TempMail\Exception;

/** 401: the key is missing, unknown or revoked (or the mailbox token is wrong). */
class AuthenticationException extends TempMailException
{
}
